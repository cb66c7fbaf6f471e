// Property: captured data whose keys are `__proto__`, `constructor` or `prototype` (own properties, as JSON.parse
// makes them, at any depth, in objects, null-prototype objects and Maps) changes nothing global, by any route into
// a span: arguments, results, yields, throws, metadata, prompt variables, context attributes, kind hooks, the
// recorder, and @llm's flattening of a chat request and response into attributes, with and without masking and
// redaction. Checked against a snapshot of the built-in prototypes and
// constructors taken before, and by looking for the injected properties on fresh objects.
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { chain } from "@calltree/chain";
import { llm } from "@calltree/llm";
import { configureCapture, resetCapture, withAttributes, withMetadata, withPromptTemplate } from "@calltree/core";
import { safeJson } from "@calltree/core/kind";
import { captureTraces } from "@calltree/testing";
import type { CapturedTraces } from "@calltree/testing";
import { runCase } from "./support/masking.js";
import type { MaskCase } from "./support/masking.js";
import { params } from "./support/seed.js";

let traces: CapturedTraces;
before(() => {
  resetCapture();
  traces = captureTraces();
});
after(() => traces.restore());
afterEach(() => resetCapture());

const INJECTED = ["polluted", "isAdmin", "calltreePolluted"];

// What a pollution would change: the prototypes every object, array, function and error inherits from, and the
// constructors whose statics code relies on.
const WATCHED: Array<[string, object]> = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  ["Number.prototype", Number.prototype],
  ["Boolean.prototype", Boolean.prototype],
  ["Symbol.prototype", Symbol.prototype],
  ["Error.prototype", Error.prototype],
  ["Map.prototype", Map.prototype],
  ["Set.prototype", Set.prototype],
  ["Promise.prototype", Promise.prototype],
  ["Object", Object],
  ["Array", Array],
  ["JSON", JSON],
];

type Snapshot = Map<string, Map<PropertyKey, PropertyDescriptor>>;
const PROTOTYPE = Symbol("[[Prototype]]");

function snapshot(): Snapshot {
  const snap: Snapshot = new Map();
  for (const [name, target] of WATCHED) {
    const props = new Map<PropertyKey, PropertyDescriptor>();
    for (const key of Reflect.ownKeys(target)) props.set(key, Object.getOwnPropertyDescriptor(target, key)!);
    props.set(PROTOTYPE, { value: Object.getPrototypeOf(target) });
    snap.set(name, props);
  }
  return snap;
}

function assertUnchanged(before: Snapshot, what: string): void {
  const now = snapshot();
  for (const [name, props] of before) {
    const current = now.get(name)!;
    assert.deepEqual([...current.keys()].map(String), [...props.keys()].map(String), `${what}: own keys of ${name} changed`);
    for (const [key, d] of props) {
      const c = current.get(key)!;
      for (const field of ["value", "get", "set", "writable", "enumerable", "configurable"] as const) {
        assert.ok(Object.is(c[field], d[field]), `${what}: ${name}.${String(key)} (${field}) changed`);
      }
    }
  }
  for (const key of INJECTED) {
    assert.equal(key in {}, false, `${what}: every object now has \`${key}\``);
    assert.equal(key in [], false, `${what}: every array now has \`${key}\``);
    assert.equal(key in Object.create(Function.prototype), false, `${what}: every function now has \`${key}\``);
  }
  assert.equal(Object.getPrototypeOf({}), Object.prototype, `${what}: {} has another prototype`);
}

// ---------------------------------------------------------------------------------------------------------
// Poisoned data, generated as JSON text so that `__proto__` keys become own properties, as they would arriving
// from a request body.

const dangerousKey = fc.constantFrom("__proto__", "constructor", "prototype", "__proto__", "toString", "hasOwnProperty", "valueOf", "a");
const payload: Arbitrary<string> = fc
  .array(fc.constantFrom(...INJECTED), { minLength: 1, maxLength: 3 })
  .map((keys) => `{${keys.map((k) => `"${k}":"yes"`).join(",")}}`);

const { json } = fc.letrec<{ json: string }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    { weight: 2, arbitrary: payload },
    { weight: 1, arbitrary: fc.constantFrom('"text"', "1", "null", "true", '["x"]') },
    { weight: 3, arbitrary: fc.array(fc.tuple(dangerousKey, tie("json")), { minLength: 1, maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `"${k}":${v}`).join(",")}}`) },
    { weight: 1, arbitrary: fc.array(tie("json"), { maxLength: 3 }).map((items) => `[${items.join(",")}]`) },
  ),
}));

type Form = "parsed" | "nullProto" | "map";

function toNullProto(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toNullProto);
  if (v === null || typeof v !== "object") return v;
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(v)) out[k] = toNullProto((v as Record<string, unknown>)[k]);
  return out;
}

function toMap(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toMap);
  if (v === null || typeof v !== "object") return v;
  return new Map(Object.keys(v).map((k) => [k, toMap((v as Record<string, unknown>)[k])]));
}

function poisoned(text: string, form: Form): unknown {
  const parsed: unknown = JSON.parse(text);
  return form === "parsed" ? parsed : form === "nullProto" ? toNullProto(parsed) : toMap(parsed);
}

/** Attributes whose keys are the dangerous ones (attribute values must be primitives or arrays). */
const poisonedAttributes: Arbitrary<Attributes> = fc
  .array(fc.tuple(dangerousKey, fc.constantFrom<AttributeValue>("yes", ["polluted"], 1, true)), { maxLength: 4 })
  .map((entries) => {
    const attrs: Attributes = {};
    for (const [k, v] of entries) Object.defineProperty(attrs, k, { value: v, enumerable: true, configurable: true, writable: true });
    return attrs;
  });

type Route =
  | "argument" | "arguments" | "result" | "yield" | "throw" | "metadata" | "prompt variables" | "context attributes"
  | "kind hooks" | "llm request and response";

/** An OpenAI chat request and response with poisoned JSON in every object @llm flattens into attributes. */
function llmExchange(poison: string): { request: unknown; response: unknown } {
  const request = JSON.parse(
    `{"model":"gpt-4o","temperature":0,"__proto__":${poison},"constructor":${poison},"prototype":${poison},` +
      `"metadata":${poison},"messages":[{"role":"user","content":"hi","__proto__":${poison}},` +
      `{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"},"__proto__":${poison}}]},` +
      `{"role":"tool","tool_call_id":"c1","content":[{"type":"text","text":"t","__proto__":${poison}}]}],` +
      `"tools":[{"type":"function","function":{"name":"f","parameters":${poison},"__proto__":${poison}}}]}`,
  ) as unknown;
  const response = JSON.parse(
    `{"id":"r1","object":"chat.completion","model":"gpt-4o","__proto__":${poison},"choices":[{"index":0,"finish_reason":"stop",` +
      `"message":{"role":"assistant","content":"ok","__proto__":${poison}},"__proto__":${poison}}],` +
      `"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"__proto__":${poison},"prompt_tokens_details":${poison}}}`,
  ) as unknown;
  return { request, response };
}

async function runRoute(route: Route, value: unknown, attrs: Attributes, text: string): Promise<void> {
  switch (route) {
    case "llm request and response": {
      const { request, response } = llmExchange(text);
      await llm.wrap(async function ask(_request: unknown) { return response; })(request);
      // Not vacuous: the request and response were read and flattened (messages may be masked; these are not).
      const span = traces.get({ kind: OpenInferenceSpanKind.LLM });
      assert.equal(span.attributes[SC.LLM_MODEL_NAME], "gpt-4o");
      assert.equal(span.attributes[SC.LLM_TOKEN_COUNT_TOTAL], 3);
      return;
    }
    case "argument":
      chain.wrap(function one(_v: unknown) { return 1; })(value);
      return;
    case "arguments":
      chain.wrap(function two(_a: unknown, _b: unknown) { return 1; })(value, value);
      return;
    case "result":
      await chain.wrap(async function result() { return value; })();
      return;
    case "yield":
      for (const _ of chain.wrap(function* gen() { yield value; })()) { /* consume */ }
      return;
    case "throw":
      try {
        chain.wrap(function thrower() { throw value; })();
      } catch { /* recorded */ }
      return;
    case "metadata":
      withMetadata((value !== null && typeof value === "object" ? value : { value }) as Record<string, unknown>, () => chain.wrap(function meta() { return 1; })());
      return;
    case "prompt variables":
      withPromptTemplate({ template: "t", variables: { value } }, () => chain.wrap(function tpl() { return 1; })());
      return;
    case "context attributes":
      withAttributes(attrs, () => chain.wrap(function ctx() { return 1; })());
      return;
    case "kind hooks": {
      const c: MaskCase = { shape: "sync", start: attrs, result: attrs, recorded: attrs, returned: "ok" };
      await runCase(traces, c);
    }
  }
}

describe("captured data cannot pollute prototypes", () => {
  test("__proto__, constructor and prototype keys at any depth, by any route, change nothing global", async (t) => {
    // Warm up every route once, so lazily created globals (OTel's registry, caches) exist before the snapshot.
    for (const route of ["argument", "metadata", "context attributes", "kind hooks", "llm request and response"] as const) await runRoute(route, {}, {}, "{}");
    const before = snapshot();
    const p = params<unknown>(1500);
    t.diagnostic(`${p.numRuns} generated payloads`);
    await fc.assert(
      fc.asyncProperty(
        json,
        fc.constantFrom<Form>("parsed", "nullProto", "map"),
        poisonedAttributes,
        fc.constantFrom<Route>(
          "argument", "arguments", "result", "yield", "throw", "metadata", "prompt variables", "context attributes", "kind hooks",
          "llm request and response",
        ),
        fc.constantFrom("defaults", "masking", "no redaction", "redact dangerous keys"),
        async (text, form, attrs, route, config) => {
          traces.reset();
          resetCapture();
          if (config === "masking") configureCapture({ hide: { inputs: true, outputs: true, llmTools: true } });
          if (config === "no redaction") configureCapture({ redactKeys: false });
          if (config === "redact dangerous keys") configureCapture({ redactKeys: ["__proto__", "constructor", /^prototype$/] });
          await runRoute(route, poisoned(text, form), attrs, text);
          assertUnchanged(before, `${route} (${form}, ${config})`);
        },
      ),
      p,
    );
  });

  test("own __proto__ keys are kept as data in captured JSON, not applied", () => {
    const value = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}') as unknown;
    for (const v of [value, toNullProto(value), toMap(value)]) {
      const out = JSON.parse(safeJson(v)) as Record<string, unknown>;
      assert.equal(Object.prototype.hasOwnProperty.call(out, "__proto__"), true);
      assert.equal(safeJson(v), '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}');
      assert.equal("polluted" in {}, false);
    }
  });
});
