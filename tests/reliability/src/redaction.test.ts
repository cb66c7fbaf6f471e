// Property: with default settings, a value stored under a secret-looking key never reaches an exported span,
// whatever the structure around it (plain and null-prototype objects, class instances, Proxies, frozen objects,
// toJSON results, Maps with string or mixed keys, Sets, arrays, error causes) and whichever way it enters the
// span (argument, several arguments, result, yield, throw, metadata, prompt-template variables).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import { chain } from "@calltree/chain";
import { DEFAULT_REDACT_KEYS, REDACTED, resetCapture, withMetadata, withPromptTemplate } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import type { CapturedTraces } from "@calltree/testing";
import { params } from "./support/seed.js";
import { exportedText } from "./support/spans.js";

let traces: CapturedTraces;
before(() => {
  resetCapture();
  traces = captureTraces();
});
after(() => traces.restore());

const SECRET_MARK = "SECRET-";

type Container = "plain" | "nullProto" | "class" | "proxy" | "frozen" | "toJSON" | "map" | "mixedMap";
type Tree =
  | { text: string }
  | { num: number }
  | { secret: string }
  | { obj: Array<[string, Tree]>; as: Container }
  | { arr: Tree[]; as: "array" | "set" }
  | { error: Tree };

function words(key: string): string[] {
  return key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().split(" ");
}

/** Secret-looking keys as people write them: a default key, maybe prefixed, in one of several spellings. */
const secretKey: Arbitrary<string> = fc
  .tuple(
    fc.constantFrom("", "openai", "db", "x", "my", "aws", "client", "stripe", "github"),
    fc.constantFrom(...DEFAULT_REDACT_KEYS),
    fc.constantFrom("camel", "pascal", "snake", "screaming", "kebab", "dot", "flat"),
  )
  .map(([prefix, key, style]) => {
    const w = [...(prefix === "" ? [] : [prefix]), ...words(key)];
    const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    switch (style) {
      case "camel": return w[0] + w.slice(1).map(cap).join("");
      case "pascal": return w.map(cap).join("");
      case "snake": return w.join("_");
      case "screaming": return w.join("_").toUpperCase();
      case "kebab": return w.join("-");
      case "dot": return w.join(".");
      default: return w.join("");
    }
  });

const secretValue: Arbitrary<Tree> = fc.stringMatching(/^[A-Za-z0-9]{8,16}$/).map((s) => ({ secret: `${SECRET_MARK}${s}` }));
// Clean text is lowercase: it can never contain the secret mark.
const cleanLeaf: Arbitrary<Tree> = fc.oneof(
  fc.stringMatching(/^[a-z ]{0,12}$/).map((text): Tree => ({ text })),
  fc.integer().map((num): Tree => ({ num })),
);
const plainKey = fc.stringMatching(/^[a-z]{1,8}$/);
const containers = fc.constantFrom<Container>("plain", "nullProto", "class", "proxy", "frozen", "toJSON", "map", "mixedMap");

const { clean, dirty } = fc.letrec<{ clean: Tree; dirty: Tree; hidden: Tree }>((tie) => ({
  // No secret anywhere below.
  clean: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    { weight: 3, arbitrary: cleanLeaf },
    { weight: 1, arbitrary: fc.record({ obj: fc.array(fc.tuple(plainKey, tie("clean")), { maxLength: 3 }), as: containers }) },
    { weight: 1, arbitrary: fc.record({ arr: fc.array(tie("clean"), { maxLength: 3 }), as: fc.constantFrom<"array" | "set">("array", "set") }) },
  ),
  // Secrets only under secret-looking keys (what sits under such a key may hold secrets anywhere).
  // At the depth limit fast-check takes the first choice, so each list starts with one that ends.
  dirty: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    { weight: 1, arbitrary: tie("clean") },
    {
      weight: 3,
      arbitrary: fc.record({
        obj: fc
          .array(fc.oneof(fc.tuple(plainKey, tie("dirty")), fc.tuple(secretKey, tie("hidden"))), { minLength: 1, maxLength: 4 }),
        as: containers,
      }),
    },
    { weight: 1, arbitrary: fc.record({ arr: fc.array(tie("dirty"), { minLength: 1, maxLength: 3 }), as: fc.constantFrom<"array" | "set">("array", "set") }) },
    { weight: 1, arbitrary: fc.record({ error: tie("dirty") }) },
  ),
  // The value of a secret key: a secret string, or any structure with secrets anywhere in it.
  hidden: fc.oneof(
    { depthSize: "small", maxDepth: 3 },
    { weight: 3, arbitrary: secretValue },
    { weight: 1, arbitrary: fc.record({ obj: fc.array(fc.tuple(plainKey, tie("hidden")), { maxLength: 3 }), as: containers }) },
    { weight: 1, arbitrary: fc.record({ arr: fc.array(tie("hidden"), { maxLength: 3 }), as: fc.constantFrom<"array" | "set">("array", "set") }) },
  ),
}));

class Holder {
  constructor(entries: Array<[string, unknown]>) {
    for (const [k, v] of entries) Object.defineProperty(this, k, { value: v, enumerable: true, configurable: true, writable: true });
  }
}

function build(tree: Tree): unknown {
  if ("text" in tree) return tree.text;
  if ("num" in tree) return tree.num;
  if ("secret" in tree) return tree.secret;
  if ("error" in tree) return new Error("failure", { cause: build(tree.error) });
  if ("arr" in tree) {
    const items = tree.arr.map(build);
    return tree.as === "set" ? new Set(items) : items;
  }
  const entries = tree.obj.map(([k, v]): [string, unknown] => [k, build(v)]);
  const own = (target: object) => {
    for (const [k, v] of entries) Object.defineProperty(target, k, { value: v, enumerable: true, configurable: true, writable: true });
    return target;
  };
  switch (tree.as) {
    case "plain": return own({});
    case "nullProto": return own(Object.create(null) as object);
    case "class": return new Holder(entries);
    case "proxy": return new Proxy(own({}), {});
    case "frozen": return Object.freeze(own({}));
    case "toJSON": {
      const inner = own({});
      return { toJSON: () => inner };
    }
    case "map": return new Map(entries);
    case "mixedMap": return new Map<unknown, unknown>([...entries, [42, "number key"], [{ k: 1 }, "object key"]]);
  }
}

function hasSecret(tree: Tree): boolean {
  if ("secret" in tree) return true;
  if ("obj" in tree) return tree.obj.some(([, v]) => hasSecret(v));
  if ("arr" in tree) return tree.arr.some(hasSecret);
  if ("error" in tree) return hasSecret(tree.error);
  return false;
}

type Route = "argument" | "arguments" | "result" | "async result" | "yield" | "throw" | "metadata" | "prompt variables";

async function runRoute(route: Route, value: unknown, other: unknown): Promise<void> {
  switch (route) {
    case "argument":
      chain.wrap(function one(_v: unknown) { return 1; })(value);
      return;
    case "arguments":
      chain.wrap(function two(_a: unknown, _b: unknown) { return 1; })(other, value);
      return;
    case "result":
      chain.wrap(function result() { return value; })();
      return;
    case "async result":
      await chain.wrap(async function asyncResult() { return value; })();
      return;
    case "yield":
      for (const _ of chain.wrap(function* gen() { yield other; yield value; })()) { /* consume */ }
      return;
    case "throw":
      try {
        chain.wrap(function thrower() { throw value; })();
      } catch { /* recorded */ }
      return;
    case "metadata":
      withMetadata({ data: value }, () => chain.wrap(function withMeta() { return 1; })());
      return;
    case "prompt variables":
      withPromptTemplate({ template: "t", variables: { v: value } }, () => chain.wrap(function withTemplate() { return 1; })());
  }
}

describe("redaction with default settings", () => {
  test("no value under a secret-looking key reaches an exported span, at any depth, by any route", async (t) => {
    const p = params<unknown>(2000);
    t.diagnostic(`${p.numRuns} generated objects`);
    let withSecrets = 0;
    const routes = fc.constantFrom<Route>("argument", "arguments", "result", "async result", "yield", "throw", "metadata", "prompt variables");
    await fc.assert(
      fc.asyncProperty(dirty, clean, routes, async (tree, otherTree, route) => {
        traces.reset();
        const value = build(tree);
        await runRoute(route, value, build(otherTree));
        assert.equal(traces.spans.length, 1);
        const text = exportedText(traces.spans[0]!);
        const at = text.indexOf(SECRET_MARK);
        assert.equal(at, -1, `a secret leaked via ${route}: …${text.slice(Math.max(0, at - 80), at + 30)}…`);
        // Not vacuous: where the value is captured as JSON, its secret keys show up redacted.
        if (hasSecret(tree)) withSecrets++;
        if (hasSecret(tree) && route !== "throw") assert.ok(text.includes(REDACTED), `${route}: no ${REDACTED} marker in\n${text}`);
      }),
      p,
    );
    t.diagnostic(`${withSecrets} runs (shrinking included) held at least one secret`);
  });

  test("several arguments are keyed by parameter name, and secret-looking parameter names are redacted", () => {
    traces.reset();
    const login = chain.wrap(function login(user: string, password: string, apiKey: string) { return `${user}:${password.length}:${apiKey.length}`; });
    assert.equal(login("ann", `${SECRET_MARK}pw`, `${SECRET_MARK}key`), "ann:9:10");
    const text = exportedText(traces.spans[0]!);
    assert.equal(text.includes(SECRET_MARK), false, text);
    assert.ok(text.includes(`"password":"${REDACTED}"`));
  });
});
