// Attributes a kind hook returns are written as they came when nothing in them is to change, and never changed in
// place: a hook may hand back an object it shares between calls.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { configureCapture, resetCapture } from "@calltree/core";
import { AttributeList, defineKind } from "@calltree/core/kind";
import { captureTraces } from "@calltree/testing";

// The capture settings under which a kind's attributes, however the kind hands them over, must write the same.
const SETTINGS: ReadonlyArray<{ label: string; capture?: Parameters<typeof configureCapture>[0]; options?: { captureInput?: boolean; captureOutput?: boolean } }> = [
  { label: "default capture" },
  { label: "maxValueLength 100", capture: { maxValueLength: 100 } },
  { label: "images hidden", capture: { hide: { inputImages: true } } },
  { label: "input messages hidden", capture: { hide: { inputMessages: true } } },
  { label: "output messages hidden", capture: { hide: { outputMessages: true } } },
  { label: "tools hidden", capture: { hide: { llmTools: true } } },
  { label: "captureInput: false", options: { captureInput: false } },
  { label: "captureOutput: false", options: { captureOutput: false } },
];

// A span's attributes but its code.* (each span's names the line of its own wrap() call).
function written(traces: { get(q: { name: string }): { attributes: Record<string, unknown> } }, name: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(traces.get({ name }).attributes).filter(([k]) => !k.startsWith("code.")));
}

describe("a kind hook's own attributes object", () => {
  test("is never extended with the output, at start, at the result or at close; the span has all of them", () => {
    using traces = captureTraces();
    const atStart = Object.freeze({ "test.start": "s" });
    const atResult = Object.freeze({ "test.result": "r" });
    const atClose = Object.freeze({ "test.close": "c" });
    const kind = defineKind({ name: "sharing", spanKind: "CHAIN", onStart: () => atStart, onResult: () => atResult, onClose: () => atClose });
    const f = kind.wrap((n: number) => ({ n }), { name: "shared" });
    assert.deepEqual(f(1), { n: 1 });
    assert.deepEqual(f(2), { n: 2 });
    const spans = traces.find({ name: "shared" });
    assert.equal(spans.length, 2);
    spans.forEach((span, i) => {
      assert.equal(span.attributes["test.start"], "s");
      assert.equal(span.attributes["test.result"], "r");
      assert.equal(span.attributes["test.close"], "c");
      assert.equal(span.attributes["output.value"], JSON.stringify({ n: i + 1 }));
      assert.equal(span.attributes["output.mime_type"], "application/json");
    });
    assert.deepEqual(Object.keys(atResult), ["test.result"]);
  });

  test("is copied, not changed, when a value must be cut to the capture limit or a side is withheld", () => {
    using traces = captureTraces();
    configureCapture({ maxValueLength: 100 });
    try {
      const long = { "test.long": "x".repeat(500), "input.value": "secret input" };
      const kind = defineKind({ name: "longer", spanKind: "CHAIN", onResult: () => long });
      kind.wrap(() => 1, { name: "cut" })();
      kind.wrap(() => 1, { name: "withheld", captureInput: false })();
      assert.ok(String(traces.get({ name: "cut" }).attributes["test.long"]).length <= 100);
      assert.equal(traces.get({ name: "withheld" }).attributes["input.value"], undefined);
      assert.equal(long["test.long"].length, 500);
      assert.equal(long["input.value"], "secret input");
    } finally {
      resetCapture();
    }
  });

  test("is written as it was at the result when the span then waits for pending work", async () => {
    using traces = captureTraces();
    const shared: Record<string, string> = { "test.value": "at result" };
    let release: () => void = () => undefined;
    const kind = defineKind({ name: "waiting", spanKind: "CHAIN", onResult: () => shared });
    const f = kind.wrap(
      () => {
        kind.current()!.waitFor(new Promise<void>((resolve) => (release = resolve)));
        return 1;
      },
      { name: "waits" },
    );
    assert.equal(f(), 1);
    shared["test.value"] = "changed later";
    release();
    await traces.flush();
    const span = traces.get({ name: "waits" });
    assert.equal(span.attributes["test.value"], "at result");
    assert.equal(span.attributes["output.value"], "1");
  });
});

describe("an AttributeList returned by onStart", () => {
  const image = `data:image/png;base64,${"A".repeat(40_000)}`;
  // The same pairs as an object and as a list, a key set twice among them (the later value wins on the span).
  const PAIRS: ReadonlyArray<readonly [string, string | number | boolean | string[]]> = [
    ["llm.model_name", "first"],
    ["llm.input_messages.0.message.role", "user"],
    ["llm.input_messages.0.message.content", "y".repeat(300)],
    ["llm.input_messages.1.message.contents.0.message_content.image.image.url", image],
    ["llm.tools.0.tool.json_schema", '{"type":"function"}'],
    ["test.count", 3],
    ["test.flag", true],
    ["test.list", ["a", "b"]],
    ["llm.model_name", "second"],
  ];
  const asObject = () => Object.fromEntries(PAIRS.map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
  const asList = () => {
    const list = new AttributeList();
    for (const [k, v] of PAIRS) list.set(k, Array.isArray(v) ? [...v] : v);
    list.set("test.absent", undefined);
    return list;
  };
  const objectKind = defineKind({ name: "startObject", spanKind: "LLM", onStart: () => asObject() });
  const listKind = defineKind({ name: "startList", spanKind: "LLM", onStart: () => asList() });
  const imageKind = (start: () => unknown) =>
    defineKind({ name: "startStaticImage", spanKind: "LLM", staticAttributes: () => ({ "test.static": image }), onStart: start as () => undefined });
  const fn = (q: string) => `answer to ${q}`;

  for (const setting of SETTINGS) {
    test(`writes what the same pairs as an object write (${setting.label})`, () => {
      using traces = captureTraces();
      if (setting.capture !== undefined) configureCapture(setting.capture);
      try {
        assert.equal(objectKind.wrap(fn, { name: "object", ...setting.options })("q"), "answer to q");
        assert.equal(listKind.wrap(fn, { name: "list", ...setting.options })("q"), "answer to q");
        assert.equal(imageKind(asObject).wrap(fn, { name: "static-object", ...setting.options })("q"), "answer to q");
        assert.equal(imageKind(asList).wrap(fn, { name: "static-list", ...setting.options })("q"), "answer to q");
      } finally {
        resetCapture();
      }
      const fromObject = written(traces, "object");
      assert.deepEqual(written(traces, "list"), fromObject);
      assert.deepEqual(written(traces, "static-list"), written(traces, "static-object"));
      if (setting.label === "default capture") {
        assert.equal(fromObject["llm.model_name"], "second");
        assert.equal(fromObject["test.count"], 3);
        assert.deepEqual(fromObject["test.list"], ["a", "b"]);
        assert.notEqual(fromObject["llm.input_messages.1.message.contents.0.message_content.image.image.url"], image);
        assert.equal("test.absent" in fromObject, false);
      }
    });
  }

  test("an input.value in the list replaces the default input capture", () => {
    using traces = captureTraces();
    const kind = defineKind({
      name: "startInput",
      spanKind: "LLM",
      onStart: () => {
        const list = new AttributeList();
        list.set("input.value", "the kind's own input");
        list.set("input.mime_type", "text/plain");
        return list;
      },
    });
    kind.wrap(fn, { name: "own-input" })("q");
    assert.equal(traces.get({ name: "own-input" }).attributes["input.value"], "the kind's own input");
  });
});


describe("call.set() in a kind hook", () => {
  const image = `data:image/png;base64,${"A".repeat(40_000)}`;
  type Value = string | number | boolean | string[];
  // What each hook says, a key said twice among them; the same pairs said with set() and returned as an object.
  const START: ReadonlyArray<readonly [string, Value]> = [
    ["llm.model_name", "first"],
    ["llm.input_messages.0.message.role", "user"],
    ["llm.input_messages.0.message.content", "y".repeat(300)],
    ["llm.input_messages.1.message.contents.0.message_content.image.image.url", image],
    ["llm.tools.0.tool.json_schema", '{"type":"function"}'],
    ["test.count", 3],
    ["test.list", ["a", "b"]],
    ["llm.model_name", "second"],
  ];
  const RESULT: ReadonlyArray<readonly [string, Value]> = [
    ["llm.output_messages.0.message.role", "assistant"],
    ["llm.output_messages.0.message.content", "z".repeat(300)],
    ["test.flag", true],
  ];
  const CLOSE: ReadonlyArray<readonly [string, Value]> = [["test.closed", "yes"]];
  const copy = (v: Value): Value => (Array.isArray(v) ? [...v] : v);
  const asObject = (pairs: ReadonlyArray<readonly [string, Value]>) => Object.fromEntries(pairs.map(([k, v]) => [k, copy(v)]));
  const say = (call: { set(key: string, value: Value | undefined): void }, pairs: ReadonlyArray<readonly [string, Value]>) => {
    for (const [k, v] of pairs) call.set(k, copy(v));
    call.set("test.absent", undefined);
  };
  const returning = defineKind({
    name: "returning",
    spanKind: "LLM",
    onStart: () => asObject(START),
    onResult: () => asObject(RESULT),
    onClose: () => asObject(CLOSE),
  });
  const saying = defineKind({
    name: "saying",
    spanKind: "LLM",
    onStart: (call) => say(call, START),
    onResult: (_r, call) => say(call, RESULT),
    onClose: (call) => say(call, CLOSE),
  });
  const fn = (q: string) => `answer to ${q}`;
  for (const setting of SETTINGS) {
    test(`writes what the same keys returned write (${setting.label})`, () => {
      using traces = captureTraces();
      if (setting.capture !== undefined) configureCapture(setting.capture);
      try {
        assert.equal(returning.wrap(fn, { name: "returned", ...setting.options })("q"), "answer to q");
        assert.equal(saying.wrap(fn, { name: "said", ...setting.options })("q"), "answer to q");
      } finally {
        resetCapture();
      }
      const said = written(traces, "said");
      assert.deepEqual(said, written(traces, "returned"));
      if (setting.label === "default capture") {
        assert.equal(said["llm.model_name"], "second");
        assert.equal(said["test.closed"], "yes");
        assert.equal(said["output.value"], "answer to q");
        assert.notEqual(said["llm.input_messages.1.message.contents.0.message_content.image.image.url"], image);
        assert.equal("test.absent" in said, false);
      }
      if (setting.label === "maxValueLength 100") assert.ok(String(said["llm.output_messages.0.message.content"]).length <= 100);
      if (setting.options?.captureInput === false) assert.equal(said["llm.input_messages.0.message.content"], undefined);
      if (setting.options?.captureOutput === false) assert.equal(said["llm.output_messages.0.message.content"], undefined);
    });
  }

  test("a key the hook also returns takes the returned value", () => {
    using traces = captureTraces();
    const kind = defineKind({
      name: "both",
      spanKind: "CHAIN",
      onStart: (call) => {
        call.set("test.key", "said");
        return { "test.key": "returned" };
      },
      onResult: (_r, call) => {
        call.set("test.end", "said");
        return { "test.end": "returned" };
      },
    });
    kind.wrap(fn, { name: "both" })("q");
    const span = traces.get({ name: "both" });
    assert.equal(span.attributes["test.key"], "returned");
    assert.equal(span.attributes["test.end"], "returned");
  });

  test("input.value in onStart and output.value in onResult replace the default capture", () => {
    using traces = captureTraces();
    const kind = defineKind({
      name: "own",
      spanKind: "CHAIN",
      onStart: (call) => call.set("input.value", "the kind's input"),
      onResult: (_r, call) => call.set("output.value", "the kind's output"),
    });
    for (const hide of [false, true]) {
      if (hide) configureCapture({ hide: { inputMessages: true } });
      try {
        kind.wrap(fn, { name: `own-${hide}` })("q");
      } finally {
        resetCapture();
      }
      const span = traces.get({ name: `own-${hide}` });
      assert.equal(span.attributes["input.value"], "the kind's input");
      assert.equal(span.attributes["output.value"], "the kind's output");
    }
  });

  test("output.value said in onStart leaves the default output to the result, as a returned one does", () => {
    using traces = captureTraces();
    const early = defineKind({ name: "early", spanKind: "CHAIN", onStart: (call) => call.set("output.value", "said at start"), onResult: () => undefined });
    assert.equal(early.wrap(fn, { name: "early" })("q"), "answer to q");
    assert.equal(traces.get({ name: "early" }).attributes["output.value"], "answer to q");
  });

  test("in onError and at a stream's end it counts with what the hook returns; outside a hook it writes at once", async () => {
    using traces = captureTraces();
    const boom = new Error("boom");
    const kind = defineKind({
      name: "elsewhere",
      spanKind: "CHAIN",
      onError: (_e, call) => {
        call.set("test.error", "said");
        return { "test.other": "returned" };
      },
      onStreamEnd: (call) => call.set("test.stream", "said"),
    });
    const failing = kind.wrap(() => {
      throw boom;
    }, { name: "failing" });
    assert.throws(() => failing(), (e) => e === boom);
    const streaming = kind.wrap(async function* () {
      yield "a";
      yield "b";
    }, { name: "streaming" });
    const chunks: string[] = [];
    for await (const c of streaming()) chunks.push(c);
    assert.deepEqual(chunks, ["a", "b"]);
    let ended: { set(key: string, value: string): void } | undefined;
    const inside = kind.wrap(() => {
      ended = kind.current()!;
      ended.set("test.inside", "said");
      return 1;
    }, { name: "inside" });
    assert.equal(inside(), 1);
    assert.doesNotThrow(() => ended!.set("test.late", "after the end"));
    await traces.flush();
    assert.equal(traces.get({ name: "failing" }).attributes["test.error"], "said");
    assert.equal(traces.get({ name: "failing" }).attributes["test.other"], "returned");
    assert.equal(traces.get({ name: "streaming" }).attributes["test.stream"], "said");
    assert.equal(traces.get({ name: "streaming" }).attributes["output.value"], "ab");
    assert.equal(traces.get({ name: "inside" }).attributes["test.inside"], "said");
    assert.equal(traces.get({ name: "inside" }).attributes["test.late"], undefined);
  });
});
