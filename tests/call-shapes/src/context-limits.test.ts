// Context values are copied onto every span in scope: they obey the value limit and the redaction keys like any
// captured value, whether calltree's helpers or OpenInference's setters put them there.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { context } from "@opentelemetry/api";
import { setMetadata, setPromptTemplate, setSession, setTags, setUser } from "@arizeai/openinference-core";
import { chain } from "@calltree/chain";
import {
  configureCapture,
  resetCapture,
  withMetadata,
  withPromptTemplate,
  withSession,
  withTags,
  withUser,
} from "@calltree/core";
import { defineKind } from "@calltree/core/kind";
import { captureTraces } from "@calltree/testing";

afterEach(() => resetCapture());

const LIMIT = 200;
const long = (c: string) => c.repeat(5_000);

function assertBounded(attributes: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === "string") assert.ok(value.length <= LIMIT, `${key} is ${value.length} long`);
    if (Array.isArray(value)) {
      const total = value.reduce((n: number, v) => n + String(v).length, 0);
      assert.ok(total <= LIMIT, `${key} holds ${total} characters`);
    }
  }
}

describe("context values and the capture limits", () => {
  test("withSession/withUser/withTags/withMetadata/withPromptTemplate values are cut at maxValueLength", () => {
    configureCapture({ maxValueLength: LIMIT });
    using traces = captureTraces();
    const f = chain.wrap(function f() { return 1; });
    const many = Array.from({ length: 1_000 }, (_, i) => `tag-${i}`);
    withSession(long("s"), () =>
      withUser(long("u"), () =>
        withTags([long("t"), ...many], () =>
          withMetadata({ note: long("m") }, () =>
            withPromptTemplate({ template: long("T"), variables: { text: long("v") }, version: long("V") }, f),
          ),
        ),
      ),
    );
    const a = traces.spans[0]!.attributes;
    assertBounded(a);
    assert.match(String(a["session.id"]), /^s+…\[truncated 5000 chars\]$/);
    assert.match(String(a["llm.prompt_template.template"]), /truncated 5000 chars/);
    assert.match(String(a["llm.prompt_template.version"]), /truncated 5000 chars/);
    const tags = a["tag.tags"] as string[];
    assert.match(tags[tags.length - 1]!, /truncated \d+ more tags/, "the tags left out are counted");
    assert.doesNotThrow(() => JSON.parse(String(a["metadata"])));
    assert.doesNotThrow(() => JSON.parse(String(a["llm.prompt_template.variables"])));
  });

  test("the same limits and the redaction keys hold for values set with OpenInference's setters", () => {
    configureCapture({ maxValueLength: LIMIT });
    using traces = captureTraces();
    const f = chain.wrap(function f() { return 1; });
    let ctx = context.active();
    ctx = setSession(ctx, { sessionId: long("s") });
    ctx = setUser(ctx, { userId: long("u") });
    ctx = setTags(ctx, [long("t"), "b"]);
    ctx = setMetadata(ctx, { password: "hunter2", nested: { api_key: "sk-live-1" }, note: long("m") });
    ctx = setPromptTemplate(ctx, { template: long("T"), variables: { apiKey: "sk-live-2", text: long("v") }, version: "1" });
    context.with(ctx, f);
    const a = traces.spans[0]!.attributes;
    assertBounded(a);
    const text = JSON.stringify(a);
    assert.doesNotMatch(text, /hunter2|sk-live-1|sk-live-2/);
    assert.equal((JSON.parse(String(a["metadata"])) as { password: string }).password, "[REDACTED]");
    assert.equal((JSON.parse(String(a["llm.prompt_template.variables"])) as { apiKey: string }).apiKey, "[REDACTED]");
  });

  test("the user's own redaction keys apply to metadata and prompt variables", () => {
    configureCapture({ redactKeys: ["customerEmail"] });
    using traces = captureTraces();
    const f = chain.wrap(function f() { return 1; });
    withMetadata({ customerEmail: "ada@example.com", plan: "pro" }, () =>
      withPromptTemplate({ template: "Hi {customerEmail}", variables: { customerEmail: "bob@example.com" } }, f),
    );
    const a = traces.spans[0]!.attributes;
    assert.doesNotMatch(JSON.stringify(a), /ada@example\.com|bob@example\.com/);
    assert.match(String(a["metadata"]), /"plan":"pro"/);
  });
});

describe("attributes kinds write pass through the same limits", () => {
  test("strings, JSON text and string lists from hooks and recorders are held to maxValueLength", () => {
    configureCapture({ maxValueLength: LIMIT });
    using traces = captureTraces();
    const noisy = defineKind<{}, { note: string }>({
      name: "noisy",
      spanKind: "CHAIN",
      onStart: () => ({ "noisy.query": long("q"), "noisy.json": JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => i) }) }),
      onResult: () => ({ "noisy.names": Array.from({ length: 100 }, (_, i) => `name-${i}`) }),
      record: (data) => ({ "noisy.note": data.note }),
    });
    noisy.wrap(function run() { noisy.record({ note: long("n") }); return 1; })();
    const a = traces.spans[0]!.attributes;
    assertBounded(a);
    assert.match(String(a["noisy.query"]), /truncated 5000 chars/);
    assert.doesNotThrow(() => JSON.parse(String(a["noisy.json"])), "JSON text stays JSON");
    const names = a["noisy.names"] as string[];
    assert.match(names[names.length - 1]!, /more items/);
  });

  test("a kind's own dataKeys are withheld by captureInput/captureOutput false", () => {
    using traces = captureTraces();
    const own = defineKind({
      name: "own",
      spanKind: "CHAIN",
      dataKeys: { input: ["own.question"], output: ["own.answer"] },
      onStart: (call) => ({ "own.question": String(call.args[0]), "own.size": 1 }),
      onResult: (result) => ({ "own.answer": String(result) }),
    });
    own.wrap(function a(q: string) { return `${q}!`; }, { captureInput: false })("secret question");
    own.wrap(function b(q: string) { return `${q}!`; }, { captureOutput: false })("plain question");
    const a = traces.get({ name: "a" }).attributes;
    const b = traces.get({ name: "b" }).attributes;
    assert.equal(a["own.question"], undefined);
    assert.equal(a["own.answer"], "secret question!");
    assert.equal(a["own.size"], 1);
    assert.equal(b["own.question"], "plain question");
    assert.equal(b["own.answer"], undefined);
  });
});
