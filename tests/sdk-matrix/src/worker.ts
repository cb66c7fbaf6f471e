// One process per SDK major and node version: `node dist/esm/worker.js GROUP` runs that group's cells one after
// another and prints one line `MATRIX {json}` with the results. matrix.test.ts starts it under each node binary.
import { readFileSync } from "node:fs";
import { trace } from "@opentelemetry/api";
import type { Tracer } from "@opentelemetry/api";
import { runCell } from "./cell.js";
import type { CellResult, Scenario } from "./cell.js";
import { agentsScenarios } from "./groups/agents.js";
import { aiSdkScenarios } from "./groups/ai-sdk.js";
import type { AiSdk } from "./groups/ai-sdk.js";
import { anthropicScenarios } from "./groups/anthropic.js";
import { langchainScenarios } from "./groups/langchain.js";
import { openaiScenarios } from "./groups/openai.js";

// Not through require(): some of these packages do not export ./package.json.
const versionOf = (alias: string): string =>
  (JSON.parse(readFileSync(new URL(`../../node_modules/${alias}/package.json`, import.meta.url), "utf8")) as { version: string }).version;
const node = process.versions.node.split(".")[0] as string;

interface Variant { sdk: string; version: string; scenarios: () => Promise<Scenario[]>; before?: () => Promise<void> }

async function variants(group: string): Promise<Variant[]> {
  const [name, major] = group.split("@") as [string, string];
  switch (name) {
    case "openai": {
      const alias = `openai-${major}`;
      return [{ sdk: "openai", version: versionOf(alias), scenarios: async () => openaiScenarios((await import(alias)).default) }];
    }
    case "anthropic": {
      const alias = `anthropic-${major}`;
      const load = async () => (await import(alias)).default;
      return [
        { sdk: "@anthropic-ai/sdk", version: `${versionOf(alias)}, its telemetry on`, scenarios: async () => anthropicScenarios(await load(), true) },
        { sdk: "@anthropic-ai/sdk", version: `${versionOf(alias)}, its telemetry off`, scenarios: async () => anthropicScenarios(await load(), false) },
      ];
    }
    case "ai": {
      const alias = `ai-${major}`;
      const provider = `ai-sdk-openai-${Number(major) - 3}`;
      const load = async (telemetry = false) => aiSdkScenarios((await import(alias)) as AiSdk, (await import(provider)).createOpenAI, telemetry);
      const plain: Variant = { sdk: "ai + @ai-sdk/openai", version: `${versionOf(alias)} + ${versionOf(provider)}`, scenarios: () => load() };
      if (major !== "7") return [plain];
      return [
        plain,
        {
          sdk: "ai + @ai-sdk/openai",
          version: `${versionOf(alias)} + ${versionOf(provider)}, @ai-sdk/otel ${versionOf("ai-sdk-otel-1")} registered`,
          scenarios: () => load(true),
          async before() {
            const { registerTelemetry } = (await import(alias)) as { registerTelemetry(t: unknown): void };
            const { OpenTelemetry } = (await import("ai-sdk-otel-1")) as { OpenTelemetry: new (options: { tracer: Tracer }) => unknown };
            // An app registers one provider for its life; each cell here installs its own, so the SDK's tracer is
            // looked up at each span instead of once (a ProxyTracer keeps the first provider's tracer).
            const tracer: Tracer = {
              startSpan: (...args) => trace.getTracer("gen_ai").startSpan(...args),
              startActiveSpan: ((...args: Parameters<Tracer["startActiveSpan"]>) =>
                (trace.getTracer("gen_ai").startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer["startActiveSpan"],
            };
            registerTelemetry(new OpenTelemetry({ tracer }));
          },
        },
      ];
    }
    case "langchain": {
      const version = `core ${versionOf("@langchain/core")} + openai ${versionOf("@langchain/openai")}, OpenInference ${versionOf("@arizeai/openinference-instrumentation-langchain")}`;
      return [{ sdk: "@langchain/core + @langchain/openai", version, scenarios: langchainScenarios }];
    }
    case "agents": {
      const version = versionOf("@openai/agents");
      return [
        { sdk: "@openai/agents in @agent", version: `${version}, its tracing on`, scenarios: () => agentsScenarios(true) },
        { sdk: "@openai/agents in @agent", version: `${version}, its tracing off`, scenarios: () => agentsScenarios(false) },
      ];
    }
    default:
      throw new Error(`unknown group ${group}`);
  }
}

const group = process.argv[2] ?? "";
const results: CellResult[] = [];
for (const v of await variants(group)) {
  await v.before?.();
  for (const scenario of await v.scenarios()) {
    if (process.env.SDK_MATRIX_TRACE) process.stderr.write(`${group} ${v.version} ${scenario.name}\n`);
    const r = await runCell(scenario);
    results.push({ group, sdk: v.sdk, version: v.version, node, scenario: scenario.name, ok: r.ok, ...(r.reason ? { reason: r.reason } : {}) });
  }
}
// Exit once written: an SDK may keep a socket or timer alive (the AI SDK 5 process otherwise lingers for minutes).
process.stdout.write(`MATRIX ${JSON.stringify(results)}\n`, () => process.exit(0));
