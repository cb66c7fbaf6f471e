// Scenario 6: the seed's own Python program (litellm + arize-phoenix-otel) calls a calltree-instrumented TypeScript
// HTTP service with W3C trace context; Phoenix shows one trace across both languages.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { withTraceHeaders } from "@calltree/core";
import { llm } from "@calltree/llm";
import type { StandIn } from "@calltree-internal/llm-stand-in";
import { Hinbox } from "../apps/seed.js";
import { cleanEnv, registerApp } from "../harness/app.js";
import { backendPaths, packageRoot } from "../harness/paths.js";
import type { Phoenix } from "../harness/phoenix.js";
import { attrs, graphql, waitForSpans } from "../harness/read.js";
import type { PhoenixSpan } from "../harness/read.js";
import { report } from "../harness/report.js";

export function pythonScenario(get: () => { phoenix: Phoenix; standIn: StandIn }): void {
  describe("scenario 6: the seed's own Python program calling a calltree TypeScript service", () => {
    test("one trace across Python and TypeScript in Phoenix, parents right, both sides' LLM spans alike", async () => {
      const { phoenix, standIn } = get();
      const app = registerApp({ projectName: "hinbox", endpoint: phoenix.url, serviceName: "ts-summarizer" });
      const hinbox = new Hinbox(new OpenAI({ baseURL: standIn.openaiBaseURL, apiKey: "sk-test", fetch: llm.fetch }));
      // The TypeScript service: its handler runs in the caller's trace context (W3C traceparent).
      const server = createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          const { capitals } = JSON.parse(body) as { capitals: string[] };
          withTraceHeaders(req.headers, () => hinbox.summarize(capitals)).then(
            (summary) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ summary })),
            (error: unknown) => res.writeHead(500).end(String(error)),
          );
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const port = (server.address() as AddressInfo).port;
      let out: { code: number | null; stdout: string; stderr: string };
      try {
        out = await runPython(`${packageRoot}python/seed_app.py`, {
          // arize-phoenix-otel 0.17 takes the host from PHOENIX_COLLECTOR_ENDPOINT but sends gRPC to PHOENIX_GRPC_PORT
          // (default 4317), even when the URL names another port or ends in /v1/traces: give it Phoenix's gRPC port.
          PHOENIX_COLLECTOR_ENDPOINT: phoenix.url,
          PHOENIX_GRPC_PORT: String(phoenix.grpcPort),
          STAND_IN_OPENAI_URL: standIn.openaiBaseURL,
          TS_SERVICE_URL: `http://127.0.0.1:${port}/summarize`,
        });
      } finally {
        server.close();
        await app.tracing.shutdown();
      }
      assert.equal(out.code, 0, `python exited ${out.code}:\n${out.stderr}`);
      const result = JSON.parse(out.stdout.trim().split("\n").at(-1)!) as { answer: string; traceIds: string[] };
      assert.equal(result.answer, "Beijing (21.9M), Tokyo (14.1M)");
      assert.equal(result.traceIds.length, 1);
      assert.deepEqual(app.traceIds, result.traceIds, "the TypeScript spans are in the Python trace");
      assert.equal(app.tracing.stats().exportedSpans, 2);

      // Python: chain, 2 × (@tracer.llm + litellm's auto-instrumented span), agent; TypeScript: agent + tool.
      const spans = await waitForSpans(phoenix, "hinbox", 8, result.traceIds);
      const byId = new Map(spans.map((s) => [s.context.span_id, s]));
      const parentName = (s: PhoenixSpan) => (s.parent_id ? byId.get(s.parent_id)?.name ?? "missing" : null);
      const roots = spans.filter((s) => !s.parent_id);
      assert.deepEqual(roots.map((s) => s.name), ["my_llm_application"], "one root: the Python chain");
      const summarizer = spans.find((s) => s.name === "summarizer")!;
      assert.equal(summarizer.span_kind, "AGENT");
      assert.equal(parentName(summarizer), "summarize_remotely", "the TS agent's parent is the Python agent");
      assert.equal(parentName(spans.find((s) => s.name === "Hinbox.population")!), "summarizer");
      const gql = await graphql<{ getProjectByName: { trace: { numSpans: number; costSummary: { total: { cost: number | null; tokens: number | null } } } } }>(
        phoenix,
        `query($p: String!, $t: ID!) { getProjectByName(name: $p) { trace(traceId: $t) { numSpans costSummary { total { cost tokens } } } } }`,
        { p: "hinbox", t: result.traceIds[0] },
      );
      assert.equal(gql.getProjectByName.trace.numSpans, spans.length);

      // The Python LLM spans (litellm's) against a TypeScript @llm span of the same call, both as Phoenix shows them.
      const pyLlm = spans.filter((s) => s.span_kind === "LLM" && attrs(s)["llm.token_count.total"] !== undefined);
      assert.ok(pyLlm.length >= 2, "litellm's spans carry token counts");
      const tsApp = registerApp({ projectName: "hinbox-ts-compare", endpoint: phoenix.url });
      await hinbox.queryLlm("What's the capital of China? Just give me the name.");
      await tsApp.tracing.shutdown();
      const [tsLlm] = await waitForSpans(phoenix, "hinbox-ts-compare", 1, tsApp.traceIds);
      const py = attrs(pyLlm[0]!);
      const ts = attrs(tsLlm!);
      const pick = (a: Record<string, unknown>) => ({
        kind: a["openinference.span.kind"],
        model: a["llm.model_name"],
        provider: a["llm.provider"],
        prompt: a["llm.token_count.prompt"],
        completion: a["llm.token_count.completion"],
        total: a["llm.token_count.total"],
      });
      report("scenario 6", {
        traceId: result.traceIds[0],
        spans: spans.map((s) => [s.span_kind, s.name, parentName(s)]),
        traceCost: gql.getProjectByName.trace.costSummary.total,
        python: pick(py),
        typescript: pick(ts),
      });
      assert.equal(ts["openinference.span.kind"], py["openinference.span.kind"]);
      assert.equal(ts["llm.token_count.prompt"], py["llm.token_count.prompt"]);
      assert.equal(ts["llm.token_count.completion"], py["llm.token_count.completion"]);
      assert.equal(ts["llm.token_count.total"], py["llm.token_count.total"]);
      // ...and Phoenix prices them the same (the Python span names the model "openai/gpt-4o-mini", ours "gpt-4o-mini").
      const costOf = async (project: string, traceId: string, spanId: string) => {
        const r = await graphql<{ getProjectByName: { trace: { spans: { edges: Array<{ node: { spanId: string; costSummary: { total: { cost: number | null } } | null } }> } } } }>(
          phoenix,
          `query($p: String!, $t: ID!) { getProjectByName(name: $p) { trace(traceId: $t) { spans(first: 100) { edges { node { spanId costSummary { total { cost } } } } } } } }`,
          { p: project, t: traceId },
        );
        return r.getProjectByName.trace.spans.edges.find((e) => e.node.spanId === spanId)?.node.costSummary?.total.cost ?? null;
      };
      const pyCost = await costOf("hinbox", result.traceIds[0]!, pyLlm[0]!.context.span_id);
      const tsCost = await costOf("hinbox-ts-compare", tsApp.traceIds[0]!, tsLlm!.context.span_id);
      report("scenario 6 (cost of one LLM call)", { python: pyCost, typescript: tsCost, calltree: ts["llm.cost.total"] });
      assert.ok(typeof pyCost === "number" && pyCost > 0);
      assert.equal(tsCost, pyCost);
    });
  });
}

function runPython(script: string, extra: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = cleanEnv({ ...extra, PYTHONUNBUFFERED: "1", PHOENIX_TELEMETRY_ENABLED: "false", LITELLM_LOCAL_MODEL_COST_MAP: "True" });
  return new Promise((resolve) => {
    const child = spawn(backendPaths().python, [script], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
