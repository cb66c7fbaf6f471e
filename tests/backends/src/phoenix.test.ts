// Scenarios 1–5 against a real Phoenix: what Phoenix itself reports, read through its own API.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { agent } from "@calltree/agent";
import { chain } from "@calltree/chain";
import { withSession, withUser } from "@calltree/core";
import { llm } from "@calltree/llm";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import type { StandIn, StandInUsage } from "@calltree-internal/llm-stand-in";
import { Hinbox, SEED_SPANS } from "./apps/seed.js";
import { cleanEnv, registerApp, runNode } from "./harness/app.js";
import { phoenixManifestPath, startPhoenix } from "./harness/phoenix.js";
import { KNOWN_DISAGREEMENTS } from "./apps/price-disagreements.js";
import type { Phoenix } from "./harness/phoenix.js";
import { attrs, graphql, waitForSpans } from "./harness/read.js";
import type { PhoenixSpan } from "./harness/read.js";
import { report } from "./harness/report.js";
import { collectorScenario } from "./scenarios/collector.js";
import { pythonScenario } from "./scenarios/python.js";

let phoenix: Phoenix;
let standIn: StandIn;

before(async () => {
  phoenix = await startPhoenix();
  standIn = await startStandIn();
  report("phoenix", { version: phoenix.version, url: phoenix.url });
});

after(async () => {
  await standIn?.close();
  await phoenix?.close();
});

/** [kind, name, parent name] of each span, sorted, from Phoenix's REST answer. */
function shape(spans: PhoenixSpan[]): Array<[string, string, string | null]> {
  const byId = new Map(spans.map((s) => [s.context.span_id, s]));
  return spans
    .map((s): [string, string, string | null] => [
      s.span_kind,
      s.name,
      s.parent_id ? (byId.get(s.parent_id)?.name ?? `missing parent ${s.parent_id}`) : null,
    ])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const sorted = (rows: ReadonlyArray<readonly [string, string, string | null]>) =>
  [...rows].map((r) => [...r]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

function openaiClient(s: StandIn = standIn): OpenAI {
  return new OpenAI({ baseURL: s.openaiBaseURL, apiKey: "sk-test", fetch: llm.fetch });
}

/**
 * The seed trace as Phoenix reports it (GraphQL: spans, kinds, tokens, cost per span and per trace, the session),
 * as text: what docs/backends.md shows.
 */
async function phoenixView(traceId: string, project: string, sessionId: string): Promise<string> {
  type Cost = { cost: number | null; tokens: number | null };
  type Node = { spanId: string; parentId: string | null; name: string; spanKind: string; startTime: string; costSummary: { total: Cost } | null };
  const data = await graphql<{
    getProjectByName: { trace: { numSpans: number; latencyMs: number | null; costSummary: { prompt: Cost; completion: Cost; total: Cost }; spans: { edges: Array<{ node: Node }> } } };
    getProjectSessionById: { sessionId: string; numTraces: number; tokenUsage: { total: number }; costSummary: { total: Cost } } | null;
  }>(
    phoenix,
    `query($p: String!, $t: ID!, $s: String!) {
      getProjectByName(name: $p) { trace(traceId: $t) { numSpans latencyMs
        costSummary { prompt { cost tokens } completion { cost tokens } total { cost tokens } }
        spans(first: 100) { edges { node { spanId parentId name spanKind startTime costSummary { total { cost tokens } } } } } } }
      getProjectSessionById(sessionId: $s) { sessionId numTraces tokenUsage { total } costSummary { total { cost tokens } } } }`,
    { p: project, t: traceId, s: sessionId },
  );
  const trace = data.getProjectByName.trace;
  const nodes = trace.spans.edges.map((e) => e.node);
  const lines = [`Phoenix ${phoenix.version}, project "${project}": trace ${traceId}, ${trace.numSpans} spans`];
  const walk = (parent: string | null, depth: number) => {
    const children = nodes.filter((x) => (x.parentId ?? null) === parent).sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
    for (const n of children) {
      const cost = n.costSummary?.total.cost;
      const tokens = n.costSummary?.total.tokens;
      lines.push(`${"  ".repeat(depth)}${n.spanKind.toUpperCase().padEnd(6)} ${n.name}${tokens ? `  tokens ${tokens}` : ""}${cost ? `  cost $${cost.toFixed(7)}` : ""}`);
      walk(n.spanId, depth + 1);
    }
  };
  walk(null, 1);
  const c = trace.costSummary;
  lines.push(`trace cost: prompt $${c.prompt.cost?.toFixed(7)} (${c.prompt.tokens} tokens) + completion $${c.completion.cost?.toFixed(7)} (${c.completion.tokens} tokens) = $${c.total.cost?.toFixed(7)}`);
  const session = data.getProjectSessionById;
  if (session) lines.push(`session "${session.sessionId}": ${session.numTraces} trace, ${session.tokenUsage.total} tokens, cost $${session.costSummary.total.cost?.toFixed(7)}`);
  return lines.join("\n");
}

describe("scenario 1: the seed scenario in TypeScript", () => {
  test('@chain → two @llm (openai SDK) → @agent → @tool: one trace of 5 spans in project "hinbox", kinds, names and parents right', async () => {
    const app = registerApp({ projectName: "hinbox", endpoint: phoenix.url });
    const answer = await withSession("hinbox-seed", () => new Hinbox(openaiClient()).myLlmApplication());
    await app.tracing.shutdown();
    assert.equal(answer, "Beijing (21.9M), Tokyo (14.1M)");
    assert.equal(app.traceIds.length, 1, "one trace");
    assert.deepEqual(app.tracing.stats(), { exportedSpans: 5, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 });

    const spans = await waitForSpans(phoenix, "hinbox", 5, app.traceIds);
    assert.equal(spans.length, 5, "exactly five spans in Phoenix");
    assert.deepEqual(shape(spans), sorted(SEED_SPANS));
    const gql = await graphql<{ getProjectByName: { trace: { numSpans: number; rootSpan: { name: string } } } }>(
      phoenix,
      `query($p: String!, $t: ID!) { getProjectByName(name: $p) { trace(traceId: $t) { numSpans rootSpan { name } } } }`,
      { p: "hinbox", t: app.traceIds[0] },
    );
    assert.equal(gql.getProjectByName.trace.numSpans, 5);
    assert.equal(gql.getProjectByName.trace.rootSpan.name, "Hinbox.myLlmApplication");
    const llmSpans = spans.filter((s) => s.span_kind === "LLM");
    for (const s of llmSpans) {
      const a = attrs(s);
      assert.equal(a["llm.model_name"], "gpt-4o-mini");
      assert.equal(a["llm.provider"], "openai");
      assert.equal(typeof a["llm.token_count.total"], "number");
    }
    report("scenario 1", { traceId: app.traceIds[0], spans: shape(spans) });
    const view = await phoenixView(app.traceIds[0]!, "hinbox", "hinbox-seed");
    process.stdout.write(`${view}\n`);
    // docs/backends.md shows this text (the trace id aside): it must be what Phoenix reports today.
    const doc = readFileSync(fileURLToPath(new URL("../../../../docs/backends.md", import.meta.url)), "utf8");
    const shown = /### What Phoenix shows for the seed scenario[\s\S]*?```\n([\s\S]*?)```/.exec(doc)?.[1]?.trimEnd();
    const anyTrace = (text: string | undefined) => text?.replace(/trace [0-9a-f]{32}/, "trace <id>");
    assert.equal(anyTrace(shown), anyTrace(view), "docs/backends.md shows what Phoenix reports for the seed scenario");
  });

  test("the project name from PHOENIX_PROJECT_NAME alone (a program configured by its environment only)", async () => {
    const main = fileURLToPath(new URL("./apps/seed-main.js", import.meta.url));
    const env = cleanEnv({ PHOENIX_COLLECTOR_ENDPOINT: phoenix.url, PHOENIX_PROJECT_NAME: "hinbox-env", STAND_IN_OPENAI_URL: standIn.openaiBaseURL });
    const out = await runNode(main, env);
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout.trim().split("\n").at(-1)!) as { answer: string; traceIds: string[]; stats: { exportedSpans: number; droppedSpans: number } };
    assert.equal(result.answer, "Beijing (21.9M), Tokyo (14.1M)");
    assert.equal(result.traceIds.length, 1);
    assert.equal(result.stats.exportedSpans, 5);
    const spans = await waitForSpans(phoenix, "hinbox-env", 5, result.traceIds);
    assert.equal(spans.length, 5);
    assert.deepEqual(shape(spans), sorted(SEED_SPANS));
  });
});

describe("scenario 2: tokens and cost as Phoenix computes them", () => {
  interface Case {
    provider: "openai" | "anthropic";
    model: string;
    usage: StandInUsage;
  }
  const cases: Case[] = [
    { provider: "openai", model: "gpt-4o", usage: { promptTokens: 12_000, completionTokens: 300, cachedTokens: 10_000 } },
    { provider: "openai", model: "o4-mini", usage: { promptTokens: 2_000, completionTokens: 1_524, cachedTokens: 512, reasoningTokens: 1_024 } },
    { provider: "anthropic", model: "claude-sonnet-4-5", usage: { promptTokens: 25_100, completionTokens: 400, cachedTokens: 20_000, cacheCreationTokens: 5_000 } },
    { provider: "anthropic", model: "claude-haiku-4-5", usage: { promptTokens: 3_000, completionTokens: 250, cachedTokens: 1_000, cacheCreationTokens: 2_000 } },
  ];

  test("per span and per trace, Phoenix's cost equals calltree's llm.cost.* (1e-9 USD) and its token totals equal ours", async () => {
    const standIns = await Promise.all(cases.map((c) => startStandIn({ usage: c.usage })));
    try {
      const call = cases.map((c, i) => {
        const s = standIns[i]!;
        if (c.provider === "openai") {
          const client = openaiClient(s);
          return llm.wrap(
            async function openaiCall(q: string) {
              const r = await client.chat.completions.create({ model: c.model, messages: [{ role: "user", content: q }] });
              return r.choices[0]?.message.content ?? "";
            },
            { provider: "openai", name: `${c.provider}:${c.model}` },
          );
        }
        const client = new Anthropic({ baseURL: s.anthropicBaseURL, apiKey: "sk-test", fetch: llm.fetch, openTelemetry: false } as ConstructorParameters<typeof Anthropic>[0]);
        return llm.wrap(
          async function anthropicCall(q: string) {
            const r = await client.messages.create({ model: c.model, max_tokens: 1024, messages: [{ role: "user", content: q }] });
            const block = r.content[0];
            return block?.type === "text" ? block.text : "";
          },
          { provider: "anthropic", name: `${c.provider}:${c.model}` },
        );
      });
      const app = registerApp({ projectName: "costs", endpoint: phoenix.url });
      const run = chain.wrap(async function costs() {
        for (const f of call) await f("What's the capital of France?");
      });
      await run();
      await app.tracing.shutdown();
      assert.equal(app.traceIds.length, 1);
      const spans = await waitForSpans(phoenix, "costs", cases.length + 1, app.traceIds);

      type Cost = { cost: number | null; tokens: number | null };
      type Summary = { prompt: Cost; completion: Cost; total: Cost };
      const gql = await graphql<{
        getProjectByName: {
          trace: {
            costSummary: Summary;
            spans: { edges: Array<{ node: { spanId: string; name: string; costSummary: Summary | null; costDetailSummaryEntries: Array<{ tokenType: string; isPrompt: boolean; value: Cost }> } }> };
          };
        };
      }>(
        phoenix,
        `query($p: String!, $t: ID!) { getProjectByName(name: $p) { trace(traceId: $t) {
            costSummary { prompt { cost tokens } completion { cost tokens } total { cost tokens } }
            spans(first: 100) { edges { node { spanId name
              costSummary { prompt { cost tokens } completion { cost tokens } total { cost tokens } }
              costDetailSummaryEntries { tokenType isPrompt value { cost tokens } } } } } } } }`,
        { p: "costs", t: app.traceIds[0] },
      );
      const trace = gql.getProjectByName.trace;
      const near = (a: number | null | undefined, b: unknown, what: string) =>
        assert.ok(typeof a === "number" && typeof b === "number" && Math.abs(a - b) <= 1e-9, `${what}: Phoenix ${a}, calltree ${String(b)}`);
      let ourTotalCost = 0;
      let ourTotalTokens = 0;
      const rows: Record<string, unknown>[] = [];
      for (const c of cases) {
        const name = `${c.provider}:${c.model}`;
        const ours = attrs(spans.find((s) => s.name === name)!);
        const theirs = trace.spans.edges.find((e) => e.node.name === name)!.node;
        assert.ok(theirs.costSummary, `Phoenix computed no cost for ${name}`);
        near(theirs.costSummary.total.cost, ours["llm.cost.total"], `${name} total cost`);
        near(theirs.costSummary.prompt.cost, ours["llm.cost.prompt"], `${name} prompt cost`);
        near(theirs.costSummary.completion.cost, ours["llm.cost.completion"], `${name} completion cost`);
        assert.equal(theirs.costSummary.prompt.tokens, ours["llm.token_count.prompt"], `${name} prompt tokens`);
        assert.equal(theirs.costSummary.completion.tokens, ours["llm.token_count.completion"], `${name} completion tokens`);
        assert.equal(theirs.costSummary.total.tokens, ours["llm.token_count.total"], `${name} total tokens`);
        ourTotalCost += ours["llm.cost.total"] as number;
        ourTotalTokens += ours["llm.token_count.total"] as number;
        rows.push({
          model: name,
          tokens: { prompt: theirs.costSummary.prompt.tokens, completion: theirs.costSummary.completion.tokens, total: theirs.costSummary.total.tokens },
          phoenixCost: theirs.costSummary.total.cost,
          calltreeCost: ours["llm.cost.total"],
          details: Object.fromEntries(theirs.costDetailSummaryEntries.map((d) => [`${d.isPrompt ? "prompt" : "completion"}.${d.tokenType}`, [d.value.tokens, d.value.cost]])),
        });
      }
      near(trace.costSummary.total.cost, ourTotalCost, "trace total cost");
      assert.equal(trace.costSummary.total.tokens, ourTotalTokens, "trace total tokens");
      report("scenario 2", { rows, traceCost: trace.costSummary.total.cost, traceTokens: trace.costSummary.total.tokens });
    } finally {
      await Promise.all(standIns.map((s) => s.close()));
    }
  });
});

describe("scenario 2b: every OpenAI and Anthropic model Phoenix prices", () => {
  test("Phoenix's cost next to calltree's for each model in Phoenix's own price manifest; disagreements listed", async () => {
    const manifest = JSON.parse(readFileSync(phoenixManifestPath(), "utf8")) as { models: Array<{ name: string; provider?: string; token_prices: unknown[] }> };
    const models = manifest.models.filter((m) => /^(gpt-|o[134]|claude-|chatgpt-)/.test(m.name));
    const app = registerApp({ projectName: "catalogs", endpoint: phoenix.url });
    const priced = chain.wrap(async function catalogs() {
      for (const m of models) {
        const provider = m.name.startsWith("claude-") ? "anthropic" : "openai";
        await llm.wrap(
          async function call() {
            llm.record({
              model: m.name,
              provider,
              tokenCount: { prompt: 10_000, completion: 2_000, cacheRead: 4_000, ...(provider === "anthropic" ? { cacheWrite: 1_000 } : { reasoning: 500 }) },
            });
          },
          { name: m.name, provider },
        )();
      }
    });
    await priced();
    await app.tracing.shutdown();
    const spans = await waitForSpans(phoenix, "catalogs", models.length + 1, app.traceIds);
    type Cost = { cost: number | null };
    const gql = await graphql<{ getProjectByName: { trace: { spans: { edges: Array<{ node: { name: string; costSummary: { total: Cost } | null } }> } } } }>(
      phoenix,
      `query($p: String!, $t: ID!) { getProjectByName(name: $p) { trace(traceId: $t) { spans(first: 1000) { edges { node { name costSummary { total { cost } } } } } } } }`,
      { p: "catalogs", t: app.traceIds[0] },
    );
    const phoenixCost = new Map(gql.getProjectByName.trace.spans.edges.map((e) => [e.node.name, e.node.costSummary?.total.cost ?? null]));
    const rows: Array<[string, number | null, number | null]> = [];
    let agree = 0;
    for (const m of models) {
      const ours = attrs(spans.find((s) => s.name === m.name)!)["llm.cost.total"];
      const calltree = typeof ours === "number" ? ours : null;
      const theirs = phoenixCost.get(m.name) ?? null;
      if (calltree !== null && theirs !== null && Math.abs(calltree - theirs) <= 1e-9) agree++;
      else rows.push([m.name, theirs, calltree]);
    }
    report("scenario 2b", { models: models.length, agree, disagree: rows });
    assert.ok(agree > 0);
    assert.deepEqual(rows.map((r) => r[0]), KNOWN_DISAGREEMENTS, "a new disagreement between Phoenix's and calltree's prices: find whose is right and add it to docs/pricing.md");
  });
});

describe("scenario 3: sessions", () => {
  test("three traces with one session.id and a user.id are one session in Phoenix, in order", async () => {
    const app = registerApp({ projectName: "sessions", endpoint: phoenix.url });
    const hinbox = new Hinbox(openaiClient());
    const answers: string[] = [];
    const ask = chain.wrap(async function turn(q: string) {
      return hinbox.queryLlm(q);
    });
    for (const q of ["What's the capital of China?", "What's the capital of Japan?", "What's the capital of France?"]) {
      answers.push(await withSession("conversation-42", () => withUser("user-7", () => ask(q))));
    }
    await app.tracing.shutdown();
    assert.deepEqual(answers, ["Beijing", "Tokyo", "Paris"]);
    assert.equal(app.traceIds.length, 3);
    await waitForSpans(phoenix, "sessions", 6, app.traceIds);
    const gql = await graphql<{
      getProjectSessionById: {
        sessionId: string;
        numTraces: number;
        userId: string | null;
        tokenUsage: { prompt: number; completion: number; total: number };
        costSummary: { total: { cost: number | null } };
        traces: { edges: Array<{ node: { traceId: string; rootSpan: { output: { value: string } | null } } }> };
      };
    }>(
      phoenix,
      `query($s: String!) { getProjectSessionById(sessionId: $s) { sessionId numTraces userId
          tokenUsage { prompt completion total } costSummary { total { cost } }
          traces(first: 10) { edges { node { traceId rootSpan { output { value } } } } } } }`,
      { s: "conversation-42" },
    );
    const session = gql.getProjectSessionById;
    assert.equal(session.numTraces, 3);
    assert.equal(session.userId, "user-7");
    assert.deepEqual(session.traces.edges.map((e) => e.node.traceId), app.traceIds, "the three traces, in order");
    assert.deepEqual(session.traces.edges.map((e) => e.node.rootSpan?.output?.value), ["Beijing", "Tokyo", "Paris"]);
    report("scenario 3", { session });
  });
});

describe("scenario 4: the agent graph", () => {
  test("nested @agent calls carry graph.node.id / name / parent_id as Phoenix's agent graph reads them", async () => {
    const app = registerApp({ projectName: "agents", endpoint: phoenix.url });
    const hinbox = new Hinbox(openaiClient());
    class Team {
      @agent({ name: "researcher" })
      async research(q: string) {
        return hinbox.queryLlm(q);
      }
      @agent({ name: "writer" })
      async write(facts: string[]) {
        return hinbox.summarize(facts);
      }
      @agent({ name: "planner" })
      async plan() {
        const a = await this.research("What's the capital of China?");
        const b = await this.research("What's the capital of Japan?");
        return this.write([a, b]);
      }
    }
    assert.equal(await new Team().plan(), "Beijing (21.9M), Tokyo (14.1M)");
    await app.tracing.shutdown();
    // planner, researcher ×2 (+ LLM each), writer → summarizer → tool
    const spans = await waitForSpans(phoenix, "agents", 8, app.traceIds);
    const agents = spans.filter((s) => s.span_kind === "AGENT");
    const node = (s: PhoenixSpan) => ({ id: attrs(s)["graph.node.id"], name: attrs(s)["graph.node.name"], parent: attrs(s)["graph.node.parent_id"] });
    const byName = (n: string) => agents.filter((s) => s.name === n).map(node);
    const [planner] = byName("planner");
    assert.ok(planner && planner.id === agents.find((s) => s.name === "planner")!.context.span_id);
    assert.equal(planner.parent, undefined, "the top agent has no parent node");
    for (const r of byName("researcher")) assert.deepEqual([r.name, r.parent], ["researcher", planner.id]);
    const [writer] = byName("writer");
    assert.deepEqual([writer?.name, writer?.parent], ["writer", planner.id]);
    const [summarizer] = byName("summarizer");
    assert.deepEqual([summarizer?.name, summarizer?.parent], ["summarizer", writer?.id]);
    assert.equal(new Set(agents.map((s) => attrs(s)["graph.node.id"])).size, agents.length, "one node per agent call");
    report("scenario 4", { agents: agents.map(node) });
  });
});

describe("scenario 5: streams, errors, a 200-message chat", () => {
  test("a streamed completion: Phoenix shows the whole answer and its tokens once consumed", async () => {
    const app = registerApp({ projectName: "streams", endpoint: phoenix.url });
    const client = openaiClient();
    const stream = llm.wrap(
      async function streamed(q: string) {
        return client.chat.completions.create({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: q }] });
      },
      { provider: "openai" },
    );
    let text = "";
    for await (const chunk of await stream("What's the capital of Japan?")) text += chunk.choices[0]?.delta.content ?? "";
    await app.tracing.shutdown();
    assert.equal(text, "Tokyo");
    assert.equal(app.tracing.stats().exportedSpans, 1, JSON.stringify(app.tracing.stats()));
    const [span] = await waitForSpans(phoenix, "streams", 1, app.traceIds);
    const a = attrs(span!);
    assert.notEqual(span!.status_code, "ERROR");
    assert.equal(a["llm.output_messages.0.message.content"], "Tokyo");
    // The stand-in counts words and punctuation: "What ' s the capital of Japan ?" = 8, "Tokyo" = 1.
    assert.equal(a["llm.token_count.prompt"], 8);
    assert.equal(a["llm.token_count.completion"], 1);
    assert.equal(a["llm.token_count.total"], 9);
  });

  test("an error: Phoenix shows status ERROR, the message and the exception event; the app gets the SDK's own error", async () => {
    const app = registerApp({ projectName: "errors", endpoint: phoenix.url });
    const client = new OpenAI({ baseURL: standIn.openaiBaseURL, apiKey: "sk-test", fetch: llm.fetch, maxRetries: 0 });
    const failing = llm.wrap(
      async function failing(q: string) {
        return client.chat.completions.create({ model: "gpt-4o-mini#status=500", messages: [{ role: "user", content: q }] });
      },
      { provider: "openai" },
    );
    await assert.rejects(failing("hello"), (e: unknown) => e instanceof OpenAI.InternalServerError);
    await app.tracing.shutdown();
    const [span] = await waitForSpans(phoenix, "errors", 1, app.traceIds);
    assert.equal(span!.status_code, "ERROR");
    assert.match(span!.status_message ?? "", /500/);
    const event = span!.events?.find((e) => e.name === "exception");
    assert.ok(event, "an exception event");
    assert.equal((event.attributes as Record<string, unknown>)["exception.type"], "InternalServerError");
  });

  test("a 200-message chat: every message, and the token counts, reach Phoenix", async () => {
    const app = registerApp({ projectName: "long-chat", endpoint: phoenix.url });
    const client = openaiClient();
    const messages = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0 ? { role: "user" as const, content: `message ${i}` } : { role: "assistant" as const, content: `reply ${i}` },
    );
    messages[199] = { role: "user", content: "What's the capital of France?" };
    const chat = llm.wrap(
      async function longChat() {
        const r = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
        return r.choices[0]?.message.content ?? "";
      },
      { provider: "openai" },
    );
    assert.equal(await chat(), "Paris");
    await app.tracing.shutdown();
    const [span] = await waitForSpans(phoenix, "long-chat", 1, app.traceIds);
    const a = attrs(span!);
    for (let i = 0; i < 200; i++) {
      assert.equal(a[`llm.input_messages.${i}.message.content`], messages[i]!.content, `message ${i}`);
      assert.equal(a[`llm.input_messages.${i}.message.role`], messages[i]!.role, `role ${i}`);
    }
    assert.equal(a["llm.output_messages.0.message.content"], "Paris");
    assert.equal(typeof a["llm.token_count.prompt"], "number");
    assert.equal(a["llm.token_count.total"], (a["llm.token_count.prompt"] as number) + (a["llm.token_count.completion"] as number));
    const gql = await graphql<{ getProjectByName: { trace: { costSummary: { total: { cost: number | null; tokens: number | null } } } } }>(
      phoenix,
      `query($p: String!, $t: ID!) { getProjectByName(name: $p) { trace(traceId: $t) { costSummary { total { cost tokens } } } } }`,
      { p: "long-chat", t: app.traceIds[0] },
    );
    assert.equal(gql.getProjectByName.trace.costSummary.total.tokens, a["llm.token_count.total"]);
    report("scenario 5", { longChatTokens: a["llm.token_count.total"], longChatCost: gql.getProjectByName.trace.costSummary.total.cost, attributes: Object.keys(a).length });
  });
});

pythonScenario(() => ({ phoenix, standIn }));
collectorScenario(() => ({ phoenix, standIn }));
