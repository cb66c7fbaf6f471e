import { test } from "node:test";
import assert from "node:assert/strict";
import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { runExample, runExampleAsync, runExampleExporting } from "@calltree-examples/example-runner";
import { startReceiver } from "@calltree-internal/otlp-receiver";

const main = new URL("./main.js", import.meta.url);

test("sessions: three turns answered, each printed as its own tree", () => {
  const run = runExample(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(
    run.stdout,
    [
      "user: What is the capital of France?",
      "assistant: Paris",
      "user: And the capital of Italy?",
      "assistant: Rome",
      "user: Thanks!",
      "assistant: You said: Thanks!",
      "",
    ].join("\n"),
  );
  assert.deepEqual(run.outline, [
    "AGENT Concierge.reply",
    "  LLM Concierge.chat",
    "AGENT Concierge.reply",
    "  LLM Concierge.chat",
    "AGENT Concierge.reply",
    "  LLM Concierge.chat",
  ]);
  // The history grows: each turn sends every earlier message again.
  const tokens = [...run.stderr.matchAll(/LLM Concierge\.chat .*?(\d+) tok(?:ens)? \((\d+) in, (\d+) out\)/g)].map((m) => m.slice(1).map(Number));
  assert.deepEqual(tokens, [[20, 19, 1], [27, 26, 1], [34, 29, 5]]);
  assert.deepEqual(run.diagnostics, []);
});

test("sessions: exported, one trace per turn, every span in the same session with the user, tags and its turn's metadata", () => {
  const run = runExampleExporting(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.traces.length, 3);
  assert.equal(run.spans.length, 6);
  run.traces.forEach((trace, i) => {
    assert.equal(trace.roots.length, 1);
    const reply = trace.roots[0]!;
    assert.equal(reply.span.name, "Concierge.reply");
    assert.deepEqual(reply.children.map((c) => c.span.name), ["Concierge.chat"]);
    for (const span of [reply.span, reply.children[0]!.span]) {
      assert.equal(span.attributes[SemanticConventions.SESSION_ID], "conversation-42");
      assert.equal(span.attributes[SemanticConventions.USER_ID], "user-7");
      assert.deepEqual(span.attributes[SemanticConventions.TAG_TAGS], ["example", "sessions"]);
      assert.deepEqual(JSON.parse(String(span.attributes[SemanticConventions.METADATA])), { channel: "cli", turn: i + 1 });
    }
  });
  const lastChat = run.traces[2]!.roots[0]!.children[0]!.span;
  const roles = [0, 1, 2, 3, 4, 5].map(
    (m) => lastChat.attributes[`${SemanticConventions.LLM_INPUT_MESSAGES}.${m}.${SemanticConventions.MESSAGE_ROLE}`],
  );
  assert.deepEqual(roles, ["system", "user", "assistant", "user", "assistant", "user"]);
});

test("sessions: with PHOENIX_COLLECTOR_ENDPOINT set, the turns are sent there as OTLP protobuf instead of printed", async () => {
  await using phoenix = await startReceiver();
  const run = await runExampleAsync(main, { env: { PHOENIX_COLLECTOR_ENDPOINT: phoenix.origin } });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.split("\n")[1], "assistant: Paris");
  assert.deepEqual(run.outline, [], "no tree printed");
  assert.deepEqual(run.diagnostics, []);
  assert.ok(phoenix.requests.length >= 1);
  assert.equal(phoenix.requestCount, phoenix.requests.length, "every request answered 200 and decoded");
  for (const r of phoenix.requests) {
    assert.equal(`${r.method} ${r.path}`, "POST /v1/traces");
    assert.equal(r.contentType, "application/x-protobuf");
  }
  // Count the spans' strings as the protobuf carried them (names, attribute values), and find the project.
  const spans = phoenix.spans();
  const text = JSON.stringify(spans.map(({ resource: _, ...span }) => span));
  assert.equal(text.split("Concierge.reply").length - 1, 3);
  assert.equal(text.split("Concierge.chat").length - 1, 3);
  assert.equal(text.split("conversation-42").length - 1, 6);
  assert.ok(spans.every((s) => s.resource["openinference.project.name"] === "sessions"), "the project name travels as a resource attribute");
});
