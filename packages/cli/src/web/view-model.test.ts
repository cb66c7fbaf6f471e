import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { FIRST_TOKEN_EVENT } from "@calltree/core";
import { groupTraces } from "@calltree/render";
import type { RenderSpan } from "@calltree/render";
import { detail } from "./view-model.js";
import { pageHtml } from "./page.js";

const T = "0af7651916cd43dd8448eb211c80319c";
function span(spanId: string, parent: string | undefined, name: string, attributes: Record<string, unknown>, events: RenderSpan["events"] = []): RenderSpan {
  return {
    traceId: T,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name,
    startTimeUnixNano: 1_000_000_000n,
    endTimeUnixNano: 1_250_000_000n,
    attributes,
    status: { code: 0 },
    events,
  };
}

describe("web view model", () => {
  test("an LLM span's messages, tool calls, images, tokens, cost and first-token time", () => {
    const [trace] = groupTraces([
      span("b7ad6b7169203331", undefined, "run", { [SC.OPENINFERENCE_SPAN_KIND]: "AGENT", [SC.SESSION_ID]: "s1" }),
      span("00f067aa0ba902b7", "b7ad6b7169203331", "ask\u202etxt", {
        [SC.OPENINFERENCE_SPAN_KIND]: "LLM",
        [SC.LLM_MODEL_NAME]: "gpt-4o",
        [SC.LLM_TOKEN_COUNT_PROMPT]: 10,
        [SC.LLM_TOKEN_COUNT_COMPLETION]: 2,
        [SC.LLM_COST_TOTAL]: 0.5,
        [`${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_ROLE}`]: "user",
        [`${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TYPE}`]: "image",
        [`${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`]: "https://example.com/a.png",
        [`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`]: "system",
        [`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]: "be brief",
        [`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`]: "assistant",
        [`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_ID}`]: "call_1",
        [`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`]: "lookup",
        [`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}`]: "{\"q\":1}",
      }, [{ name: FIRST_TOKEN_EVENT, timeUnixNano: 1_100_000_000n, attributes: {} }]),
    ]);
    const view = detail(trace!);
    assert.deepEqual(view.summary, {
      id: T, name: "run", kind: "AGENT", start: 1000, dur: 250, spans: 2, errors: 0, hasRoot: true,
      tokens: { prompt: 10, completion: 2, total: 12 }, cost: 0.5, session: "s1",
    });
    const llm = view.spans[1]!;
    assert.equal(llm.depth, 1);
    assert.equal(llm.name, "ask\ufffdtxt", "a bidi override cannot reorder what is shown");
    assert.equal(llm.model, "gpt-4o");
    assert.deepEqual(llm.tokens, { prompt: 10, completion: 2, total: 12 });
    assert.equal(llm.cost, 0.5);
    assert.equal(llm.firstToken, 100);
    assert.deepEqual(llm.messages, {
      input: [
        { role: "system", content: "be brief" },
        { role: "user", parts: [{ type: "image", image: "https://example.com/a.png" }] },
      ],
      output: [{ role: "assistant", toolCalls: [{ id: "call_1", name: "lookup", arguments: "{\"q\":1}" }] }],
    });
    assert.equal(llm.attributes.length, 14);
  });

  test("the file page embeds its data so no value can close the script element", () => {
    const [trace] = groupTraces([span("b7ad6b7169203331", undefined, "</script><script>alert(1)</script>", {})]);
    const html = pageHtml({ mode: "file", traces: [detail(trace!)] });
    assert.equal(html.match(/<script/g)?.length, 2);
    assert.match(html, /\\u003c\/script>\\u003cscript>alert\(1\)\\u003c\/script>/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
    assert.match(html, /connect-src 'none'/);
  });
});

describe("web view options", () => {
  test("usage errors name the conflict", async () => {
    const { runCli } = await import("../cli.js");
    const { PassThrough } = await import("node:stream");
    const run = async (args: string[]): Promise<{ code: number; stderr: string }> => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let err = "";
      stderr.on("data", (d: Buffer) => (err += d.toString()));
      const code = await runCli(args, { stdout, stderr, stdin: new PassThrough() });
      return { code, stderr: err };
    };
    assert.deepEqual(await run(["collect", "--ui-port", "7000"]), { code: 2, stderr: "calltree collect: --ui-port and --ui-max-traces need --ui\nRun `calltree collect --help` for usage.\n" });
    assert.deepEqual(await run(["view", "x.jsonl", "--json", "--html", "o.html"]), { code: 2, stderr: "calltree view: --json and --html contradict each other\nRun `calltree view --help` for usage.\n" });
  });
});
