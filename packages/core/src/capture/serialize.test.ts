import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { configureCapture, resetCapture } from "./config.js";
import { captureValue, hasOwnKey, hasRedactedJsonKey, hasRedactedKey, nativeJson, REDACTED, safeJson, truncateText, TRUNCATION_MARKER, walkJson } from "./serialize.js";

afterEach(() => resetCapture());

/** Parses `json` and fails with the text when it is not valid JSON. */
function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (e) {
    assert.fail(`not valid JSON (${(e as Error).message}): ${json.slice(0, 300)}`);
  }
}

describe("truncateText", () => {
  test("returns text within the limit unchanged", () => {
    assert.equal(truncateText("hello", 64), "hello");
    assert.equal(truncateText("x".repeat(64), 64), "x".repeat(64));
  });

  test("cuts longer text to the limit and says how long it was", () => {
    const out = truncateText("a".repeat(100), 64);
    assert.equal(out, `${"a".repeat(42)}…[truncated 100 chars]`);
    assert.equal(out.length, 64);
  });

  test("uses the configured maxValueLength by default", () => {
    configureCapture({ maxValueLength: 100 });
    const out = truncateText("b".repeat(1000));
    assert.equal(out, `${"b".repeat(77)}…[truncated 1000 chars]`);
  });

  test("never splits a surrogate pair", () => {
    const text = "😀".repeat(100); // 200 code units
    // 65 - 22 (the marker) = 43 units would end in the middle of the 22nd emoji: it is dropped whole.
    const out = truncateText(text, 65);
    assert.equal(out, `${"😀".repeat(21)}…[truncated 200 chars]`);
    assert.equal(out.length, 64);
  });

  test("a 50 MB string is cut at once", () => {
    const big = "z".repeat(50 * 1024 * 1024);
    const out = truncateText(big, 32_768);
    assert.equal(out.length, 32_768);
    assert.ok(out.endsWith(`…[truncated ${big.length} chars]`));
  });
});

describe("safeJson: values", () => {
  test("primitives are written as JSON, non-finite numbers as null", () => {
    assert.equal(safeJson("a\"b"), '"a\\"b"');
    assert.equal(safeJson(42), "42");
    assert.equal(safeJson(-0), "0");
    assert.equal(safeJson(NaN), "null");
    assert.equal(safeJson(Infinity), "null");
    assert.equal(safeJson(true), "true");
    assert.equal(safeJson(null), "null");
    assert.equal(safeJson(undefined), "null");
  });

  test("BigInt becomes a string with an n suffix", () => {
    assert.equal(safeJson(12n), '"12n"');
    assert.equal(safeJson({ n: -(2n ** 70n) }), '{"n":"-1180591620717411303424n"}');
  });

  test("symbols and functions become readable markers in arrays, and are left out as object values", () => {
    assert.equal(safeJson([Symbol("s"), function named() {}, () => 1]), '["Symbol(s)","[Function named]","[Function anonymous]"]');
    assert.equal(safeJson({ a: 1, f() {}, s: Symbol("x"), u: undefined }), '{"a":1}');
  });

  test("dates become ISO strings; invalid dates null", () => {
    assert.equal(safeJson(new Date(0)), '"1970-01-01T00:00:00.000Z"');
    assert.equal(safeJson(new Date(NaN)), "null");
    assert.equal(safeJson(new Date(8.64e15)), '"+275760-09-13T00:00:00.000Z"');
  });

  test("Map, Set, RegExp, Promise and weak collections", () => {
    assert.equal(safeJson(new Map<string, unknown>([["a", 1], ["b", [2]]])), '{"a":1,"b":[2]}');
    assert.equal(safeJson(new Map<unknown, unknown>([[1, "one"], ["k", "v"]])), '[[1,"one"],["k","v"]]');
    assert.equal(safeJson(new Set([1, "x", 1])), '[1,"x"]');
    assert.equal(safeJson(/a+b/gi), '"/a+b/gi"');
    assert.equal(safeJson(Promise.resolve(1)), '"[Promise]"');
    assert.equal(safeJson([new WeakMap(), new WeakSet()]), '["[WeakMap]","[WeakSet]"]');
  });

  test("binary data is described, not dumped", () => {
    assert.equal(safeJson(new Uint8Array(3)), '"[Uint8Array 3 bytes]"');
    assert.equal(safeJson(new Float64Array(2)), '"[Float64Array 16 bytes]"');
    assert.equal(safeJson(Buffer.from("hello")), '"[Buffer 5 bytes]"');
    assert.equal(safeJson(new ArrayBuffer(7)), '"[ArrayBuffer 7 bytes]"');
    assert.equal(safeJson(new DataView(new ArrayBuffer(4))), '"[DataView 4 bytes]"');
  });

  test("boxed primitives are unboxed", () => {
    assert.equal(safeJson([new String("s"), new Number(1), new Boolean(false), Object(3n)]), '["s",1,false,"3n"]');
  });

  test("errors keep name, message, code, cause and stack", () => {
    const cause = new RangeError("inner");
    const e = Object.assign(new TypeError("outer", { cause }), { code: "E_X" });
    const out = parse(safeJson(e, 100_000)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ["name", "message", "code", "cause", "stack"]);
    assert.equal(out.name, "TypeError");
    assert.equal(out.message, "outer");
    assert.equal(out.code, "E_X");
    assert.equal((out.cause as Record<string, unknown>).message, "inner");
    assert.equal(out.stack, e.stack);
  });

  test("error getters run once", () => {
    let reads = 0;
    const e = new Error("m");
    Object.defineProperty(e, "cause", { get: () => `read ${++reads}` });
    assert.equal((parse(safeJson(e, 100_000)) as { cause: string }).cause, "read 1");
    assert.equal(reads, 1);
  });

  test("sparse arrays, null-prototype objects and class instances", () => {
    // eslint-disable-next-line no-sparse-arrays -- a sparse array on purpose
    assert.equal(safeJson([1, , 3]), "[1,null,3]");
    const bare = Object.create(null) as Record<string, unknown>;
    bare.k = "v";
    assert.equal(safeJson(bare), '{"k":"v"}');
    class Point {
      #hidden = 1;
      constructor(public x: number, public y: number) {}
      get sum() { return this.x + this.y + this.#hidden; }
    }
    assert.equal(safeJson(new Point(1, 2)), '{"x":1,"y":2}');
  });

  test("cycles are marked; shared references are written each time", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    assert.equal(safeJson(a), '{"name":"a","self":"[Circular]"}');
    const shared = { v: 1 };
    assert.equal(safeJson({ x: shared, y: [shared, shared] }), '{"x":{"v":1},"y":[{"v":1},{"v":1}]}');
  });

  test("toJSON is honoured; a toJSON returning its own object is walked as an object", () => {
    assert.equal(safeJson({ toJSON: () => ({ replaced: true }) }), '{"replaced":true}');
    assert.equal(safeJson({ toJSON: () => "as text" }), '"as text"');
    const self = { a: 1, toJSON() { return this; } };
    assert.equal(safeJson(self), '{"a":1}');
    const containsSelf: Record<string, unknown> = { toJSON() { return { inner: containsSelf }; } };
    assert.equal(safeJson(containsSelf), '{"inner":"[Circular]"}');
  });

  test("nesting deeper than maxDepth is cut with a marker", () => {
    configureCapture({ maxDepth: 3 });
    assert.equal(safeJson({ a: { b: { c: { d: 1 } } } }), '{"a":{"b":{"c":"[Max depth]"}}}');
    assert.equal(safeJson([[[[1]]]]), '[[["[Max depth]"]]]');
  });
});

describe("safeJson: hostile values never throw and stay valid JSON", () => {
  test("throwing getters and Proxy traps become Unreadable markers", () => {
    const getter = { ok: 1, get bad(): never { throw new Error("nope"); } };
    assert.equal(safeJson(getter), '{"ok":1,"bad":"[Unreadable: nope]"}');
    const keys = new Proxy({}, { ownKeys() { throw new Error("no keys"); } });
    assert.equal(safeJson({ p: keys, after: 2 }), '{"p":"[Unreadable: no keys]","after":2}');
    const items = new Proxy([1, 2], { get(t, k) { if (k === "1") throw new Error("item"); return Reflect.get(t, k); } });
    assert.equal(safeJson(items), '[1,"[Unreadable: item]"]');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const out = safeJson([proxy, 1]);
    assert.match(out, /^\["\[Unreadable: [^"]*revoked[^"]*\]",1\]$/);
  });

  test("a throwing toJSON becomes a marker", () => {
    assert.equal(safeJson({ v: { toJSON() { throw new Error("bad json"); } } }), '{"v":"[toJSON threw: bad json]"}');
  });

  test("a chain of toJSON replacements ends at the depth limit", () => {
    const chain = { toJSON(): unknown { return { toJSON: chain.toJSON }; } };
    const out = safeJson(chain);
    assert.equal(out, '"[Max depth]"');
  });

  test("a function whose name accessor throws, inside an array, keeps the array closed", () => {
    class Nameless { static get name(): string { throw new Error("no name"); } }
    assert.equal(safeJson([Nameless, 1]), '["[Unreadable: no name]",1]');
  });

  test("a forged Symbol.toStringTag does not make an object a Date, a boxed primitive or a buffer", () => {
    for (const tag of ["Date", "String", "Number", "Boolean", "BigInt", "ArrayBuffer", "SharedArrayBuffer"]) {
      const forged = { [Symbol.toStringTag]: tag, v: 1 };
      assert.equal(safeJson({ forged, after: true }), '{"forged":{"v":1},"after":true}', tag);
    }
  });

  test("a stack overflow deep inside is contained and the JSON stays valid", () => {
    configureCapture({ maxDepth: 1_000_000, maxValueLength: 10_000_000 });
    let deep: unknown = "leaf";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const out = safeJson(deep);
    parse(out);
    assert.match(out, /Unreadable: Maximum call stack size exceeded/);
  });

  test("10,000 levels of nesting, objects and arrays, with the default depth", () => {
    let obj: unknown = 1;
    let arr: unknown = 1;
    for (let i = 0; i < 10_000; i++) {
      obj = { a: obj };
      arr = [arr];
    }
    assert.equal(safeJson(obj), `${'{"a":'.repeat(32)}"[Max depth]"${"}".repeat(32)}`);
    assert.equal(safeJson(arr), `${"[".repeat(32)}"[Max depth]"${"]".repeat(32)}`);
  });
});

describe("safeJson: size limit", () => {
  test("a long string is cut inside the JSON string", () => {
    const out = safeJson({ text: "x".repeat(1000) }, 200);
    assert.ok(out.length <= 200, `${out.length}`);
    const v = parse(out) as { text: string };
    assert.ok(v.text.startsWith("x".repeat(100)));
    assert.ok(v.text.endsWith("…[truncated 1000 chars]"));
  });

  test("escapes count: control characters and lone surrogates do not push the result over the limit", () => {
    for (const unit of ["\u0001", "\ud800", "\udc00", '"', "\\", "\n"]) {
      const s = unit.repeat(30_000);
      for (const value of [s, { k: s }, [s, s]]) {
        const out = safeJson(value, 1000);
        assert.ok(out.length <= 1000, `${JSON.stringify(unit)}: ${out.length}`);
        parse(out);
      }
    }
  });

  test("keys count after escaping too", () => {
    const key = "\u0002".repeat(5000);
    const out = safeJson({ [key]: 1, b: 2 }, 500);
    assert.ok(out.length <= 500, `${out.length}`);
    assert.equal(out, '{"…":"…[truncated 2 more keys]"}');
  });

  test("a key of 10 MB is left out at once, not escaped", () => {
    const key = "k".repeat(10 * 1024 * 1024);
    const out = safeJson({ [key]: 1, b: 2 });
    assert.equal(out, '{"…":"…[truncated 2 more keys]"}');
  });

  test("a huge BigInt is cut like a string", () => {
    const out = safeJson(10n ** 100_000n, 300);
    assert.ok(out.length <= 300);
    assert.ok((parse(out) as string).endsWith("…[truncated 100002 chars]"));
  });

  test("cutting deep inside nested arrays and objects stays within the limit", () => {
    let v: unknown = "y".repeat(10_000);
    for (let i = 0; i < 20; i++) v = i % 2 === 0 ? [v, ...Array(30).fill(i)] : { inner: v, more: Array(30).fill("m"), last: i };
    for (const limit of [64, 100, 500, 1000, 2000, 5000]) {
      const out = safeJson(v, limit);
      assert.ok(out.length <= limit, `limit ${limit}: ${out.length}`);
      parse(out);
    }
  });

  test("remaining items and keys are counted in the marker", () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const arr = safeJson(items, 200);
    assert.equal(arr, `[${items.slice(0, 40).join(",")},"…[truncated 60 more items]"]`);
    assert.ok(arr.length <= 200);
    const obj = Object.fromEntries(items.slice(0, 50).map((i) => [`k${i}`, i]));
    const keys = safeJson(obj, 200);
    assert.equal(keys, `{${items.slice(0, 14).map((i) => `"k${i}":${i}`).join(",")},"…":"…[truncated 36 more keys]"}`);
    assert.ok(keys.length <= 200);
  });

  test("the limit is at least 64", () => {
    const out = safeJson("q".repeat(1000), 1);
    assert.equal(out.length <= 64, true);
    assert.equal(parse(out), `${"q".repeat(24)}…[truncated 1000 chars]`);
  });

  test("a 50 MB string inside an object is cut quickly", () => {
    const big = "\ud83d".repeat(25 * 1024 * 1024); // lone high surrogates: 50 MB of UTF-16, six units each escaped
    const out = safeJson({ big });
    assert.ok(out.length <= 32_768);
    assert.ok((parse(out) as { big: string }).big.endsWith(`…[truncated ${big.length} chars]`));
  });
});

describe("safeJson: redaction", () => {
  test("values of secret-looking keys are redacted at any depth, without reading them", () => {
    let reads = 0;
    const value = {
      user: "ann",
      apiKey: "k1",
      nested: [{ headers: { Authorization: "Bearer t", "x-api-key": "k2" } }],
      get password(): string { reads++; return "p"; },
      config: { OPENAI_API_KEY: "k3", client_secret: "s", refresh_token: "r", privateKey: { pem: "x" } },
    };
    assert.equal(
      safeJson(value),
      '{"user":"ann","apiKey":"[REDACTED]","nested":[{"headers":{"Authorization":"[REDACTED]","x-api-key":"[REDACTED]"}}],' +
        '"password":"[REDACTED]","config":{"OPENAI_API_KEY":"[REDACTED]","client_secret":"[REDACTED]","refresh_token":"[REDACTED]","privateKey":"[REDACTED]"}}',
    );
    assert.equal(reads, 0);
  });

  test("Map entries with secret-looking string keys are redacted, also when other keys are not strings", () => {
    assert.equal(safeJson(new Map<string, unknown>([["token", "t"], ["ok", 1]])), `{"token":"${REDACTED}","ok":1}`);
    assert.equal(safeJson(new Map<unknown, unknown>([["apiKey", "t"], [1, "one"]])), `[["apiKey","${REDACTED}"],[1,"one"]]`);
  });

  test("toJSON output and error causes are redacted too", () => {
    assert.equal(safeJson({ toJSON: () => ({ secret: "s" }) }), `{"secret":"${REDACTED}"}`);
    const e = new Error("m", { cause: { password: "p" } });
    assert.deepEqual((parse(safeJson(e, 100_000)) as { cause: unknown }).cause, { password: REDACTED });
  });

  test("redaction can be turned off", () => {
    configureCapture({ redactKeys: false });
    assert.equal(safeJson({ apiKey: "k" }), '{"apiKey":"k"}');
  });
});

describe("captureValue", () => {
  test("a string is text/plain, cut at the limit", () => {
    configureCapture({ maxValueLength: 64 });
    assert.deepEqual(captureValue("hi"), { value: "hi", mimeType: "text/plain" });
    assert.deepEqual(captureValue("w".repeat(100)), { value: `${"w".repeat(42)}…[truncated 100 chars]`, mimeType: "text/plain" });
  });

  test("anything else is JSON", () => {
    assert.deepEqual(captureValue({ a: [1] }), { value: '{"a":[1]}', mimeType: "application/json" });
    assert.deepEqual(captureValue(undefined), { value: "null", mimeType: "application/json" });
  });
});

describe("hasOwnKey", () => {
  test("reads own keys without invoking getters, and never throws", () => {
    let reads = 0;
    const obj = { get g() { reads++; return 1; } };
    assert.equal(hasOwnKey(obj, "g"), true);
    assert.equal(hasOwnKey(obj, "toString"), false);
    assert.equal(reads, 0);
    const hostile = new Proxy({}, { getOwnPropertyDescriptor() { throw new Error("trap"); } });
    assert.equal(hasOwnKey(hostile, "x"), false);
  });

  test("TRUNCATION_MARKER is the documented text", () => {
    assert.equal(TRUNCATION_MARKER, "…[truncated]");
  });
});

describe("safeJson: cost in proportion to what is kept", () => {
  // Counts the steps taken through every Map and Set iterator while `fn` runs.
  function countSteps(fn: () => void): number {
    const protos = [Object.getPrototypeOf(new Map().entries()), Object.getPrototypeOf(new Set().values())];
    const originals = protos.map((p) => p.next as (this: unknown) => unknown);
    let steps = 0;
    protos.forEach((p, i) => {
      p.next = function (this: unknown) {
        steps++;
        return originals[i]!.call(this);
      };
    });
    try {
      fn();
    } finally {
      protos.forEach((p, i) => (p.next = originals[i]));
    }
    return steps;
  }

  const big = 1_000_000;
  const bigMap = new Map<string, number>();
  const bigPairs = new Map<number, number>();
  const bigSet = new Set<number>();
  for (let i = 0; i < big; i++) {
    bigMap.set(`k${i}`, i);
    bigPairs.set(i, i);
    bigSet.add(i);
  }

  test("a million-entry Map with string keys: reads only the entries that fit, and says how many were left out", () => {
    let json = "";
    const steps = countSteps(() => (json = safeJson(bigMap, 2_000)));
    assert.ok(json.length <= 2_000);
    const parsed = parse(json) as Record<string, unknown>;
    assert.equal(parsed.k0, 0);
    const kept = Object.keys(parsed).filter((k) => k !== "…").length;
    assert.match(String(parsed["…"]), new RegExp(`truncated ${big - kept} more keys`));
    assert.ok(steps <= 2 * (2_000 / 5 + 2), `${steps} iterator steps for ${kept} kept entries`);
  });

  test("a million-entry Map with other keys and a million-entry Set: the same bound", () => {
    let pairs = "";
    let set = "";
    const steps = countSteps(() => {
      pairs = safeJson(bigPairs, 2_000);
      set = safeJson(bigSet, 2_000);
    });
    const p = parse(pairs) as unknown[];
    const s = parse(set) as unknown[];
    assert.deepEqual(p[0], [0, 0]);
    assert.equal(s[0], 0);
    assert.match(String(p[p.length - 1]), new RegExp(`truncated ${big - (p.length - 1)} more items`));
    assert.match(String(s[s.length - 1]), new RegExp(`truncated ${big - (s.length - 1)} more items`));
    assert.ok(steps <= 2 * (2_000 / 5 + 2) + 2 * 2_000, `${steps} iterator steps`);
  });

  test("at the default limit too, a million entries are never all read", () => {
    const steps = countSteps(() => {
      safeJson(bigMap);
      safeJson(bigSet);
    });
    assert.ok(steps < 40_000, `${steps} iterator steps`);
  });

  test("entries JSON leaves out still count against the walk", () => {
    const holes = new Map<string, undefined>();
    for (let i = 0; i < 100_000; i++) holes.set(`h${i}`, undefined);
    let json = "";
    const steps = countSteps(() => (json = safeJson(holes, 500)));
    assert.match(json, /more keys/);
    assert.ok(steps <= 2 * 502, `${steps} iterator steps`);
  });

  test("a Map subclass cannot make the walk read more (its size and iterators are not consulted)", () => {
    class Lying extends Map<string, number> {
      override get size() { return 1e9; }
      // eslint-disable-next-line require-yield -- it must throw before yielding: the walk must not call it
      override *entries(): MapIterator<[string, number]> { throw new Error("not used"); }
    }
    const m = new Lying([["a", 1]]);
    assert.equal(safeJson(m), '{"a":1}');
  });
});

describe("safeJson's native fast path gives exactly the walker's text", () => {
  // A seeded generator (mulberry32): the same values on every run, thousands of shapes.
  function rng(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const KEYS = ["role", "content", "name", "api_key", "password", "tool_calls", "__proto__", "toJSON", "a.b", "é", "", "0", "10", "authorization"];
  const STRINGS = ["", "hello", "line\nbreak", "quote\"", "\u0000ctl", "\ud800lone", "😀", "x".repeat(300)];
  function gen(r: () => number, depth: number): unknown {
    const pick = r();
    if (depth > 5 || pick < 0.45) {
      const p = r();
      if (p < 0.35) return STRINGS[Math.floor(r() * STRINGS.length)];
      if (p < 0.55) return [0, -0, 1.5, -7, 1e21, NaN, Infinity, 2 ** 53][Math.floor(r() * 8)];
      if (p < 0.65) return r() < 0.5;
      if (p < 0.72) return null;
      if (p < 0.78) return undefined;
      if (p < 0.82) return () => 1;
      if (p < 0.85) return Symbol("s");
      if (p < 0.87) return 12n;
      if (p < 0.9) return new Date(0);
      if (p < 0.92) return new Map([["k", 1]]);
      return STRINGS[1];
    }
    if (pick < 0.7) return Array.from({ length: Math.floor(r() * 5) }, () => gen(r, depth + 1));
    const obj: Record<string, unknown> = r() < 0.1 ? Object.create(null) : {};
    const n = Math.floor(r() * 5);
    for (let i = 0; i < n; i++) {
      const key = KEYS[Math.floor(r() * KEYS.length)]!;
      Object.defineProperty(obj, key, { value: gen(r, depth + 1), enumerable: true, configurable: true, writable: true });
    }
    return obj;
  }

  for (const [label, options, limits] of [
    ["default capture", {}, [64, 200, 1000, 32_768]],
    ["no redaction, shallow depth", { redactKeys: false as const, maxDepth: 2 }, [64, 500, 32_768]],
    ["redaction of a custom key", { redactKeys: ["content"] }, [300, 32_768]],
  ] as const) {
    test(`${label}: 3,000 generated values, each limit`, () => {
      configureCapture(options);
      const r = rng(label.length * 7919);
      let native = 0;
      for (let i = 0; i < 3000; i++) {
        const value = gen(r, 0);
        for (const limit of limits) {
          const expected = walkJson(value, limit);
          assert.equal(safeJson(value, limit), expected, `limit ${limit}: ${expected.slice(0, 200)}`);
          if (nativeJson(value, limit, options.maxDepth ?? 32, undefined) !== undefined && options.redactKeys === false) native++;
        }
      }
      // The comparison means something only if the fast path took part of them.
      if (options.redactKeys === false) assert.ok(native > 300, `the fast path took ${native} values`);
    });
  }

  test("takes plain data, leaves everything else to the walker", () => {
    const chat = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], temperature: 0.2 };
    assert.equal(nativeJson(chat, 32_768, 32, undefined), JSON.stringify(chat));
    // A secret-looking key, a Date, a class instance, a cycle, a value too long, an array with its own toJSON,
    // a function in an array, a tagged object, a too-deep value: the walker's.
    const redact = (k: string) => k === "api_key";
    assert.equal(nativeJson({ api_key: undefined }, 32_768, 32, redact), undefined);
    assert.equal(nativeJson({ at: new Date(0) }, 32_768, 32, undefined), undefined);
    assert.equal(nativeJson({ x: new (class Point { x = 1; })() }, 32_768, 32, undefined), undefined);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(nativeJson(cyclic, 32_768, 32, undefined), undefined);
    assert.equal(nativeJson({ text: "x".repeat(1000) }, 1000, 32, undefined), undefined);
    assert.equal(nativeJson(Object.assign([1], { toJSON: () => "no" }), 32_768, 32, undefined), undefined);
    assert.equal(nativeJson([() => 1], 32_768, 32, undefined), undefined);
    assert.equal(nativeJson({ [Symbol.toStringTag]: "Promise" }, 32_768, 32, undefined), undefined);
    assert.equal(nativeJson({ a: { b: {} } }, 32_768, 2, undefined), undefined);
    assert.equal(safeJson({ a: { b: {} } }), '{"a":{"b":{}}}');
  });

  test("an accessor is read at most twice on the fast path (check, native write); a throwing one gives the walker's marker", () => {
    let reads = 0;
    const value = { get n() { reads++; return 1; } };
    assert.equal(safeJson(value), '{"n":1}');
    // Read by the check and by JSON.stringify: twice, the price of the native writer for accessor properties.
    assert.ok(reads <= 2, `${reads} reads`);
    const throwing = { ok: 1, get bad(): number { throw new Error("nope"); } };
    assert.equal(safeJson(throwing), walkJson(throwing, 32_768));
    assert.match(safeJson(throwing), /Unreadable: nope/);
  });

  test("an own toJSON that is not enumerable is left to the walker: what it returns is redacted and walked", () => {
    const hidden = Object.defineProperty({ a: 1 }, "toJSON", { value: () => ({ apiKey: "k", m: new Map([["x", 1]]) }) });
    assert.equal(safeJson({ data: hidden }), `{"data":{"apiKey":"${REDACTED}","m":{"x":1}}}`);
    const bare = Object.defineProperty(Object.create(null) as object, "toJSON", { value: () => ({ token: "t" }) });
    assert.equal(safeJson([bare]), `[{"token":"${REDACTED}"}]`);
    assert.equal(nativeJson({ data: hidden }, 32_768, 32, undefined), undefined);
  });

  test("a toJSON added to Object.prototype (pollution) is left to the walker", () => {
    const proto = Object.prototype as { toJSON?: unknown };
    proto.toJSON = () => "polluted";
    try {
      assert.equal(nativeJson({ a: 1 }, 32_768, 32, undefined), undefined);
    } finally {
      delete proto.toJSON;
    }
  });
});

describe("safeJson's fast path remembers keys it let through, never a secret", () => {
  test("a secret key is redacted where the same keys were seen before without it, at any position", () => {
    const messages = Array.from({ length: 50 }, (_, i) => ({ role: "user", content: `m${i}` }));
    assert.equal(safeJson({ messages }), JSON.stringify({ messages }));
    // The same key count and first key, the secret where `content` was; then a new key set around the same keys.
    const changed = [...messages, { role: "user", apiKey: "k1" }, { token: "t", role: "user", content: "c" }, { role: "user", content: "c", password: "p" }];
    assert.equal(
      safeJson({ messages: changed }),
      JSON.stringify({ messages: [...messages, { role: "user", apiKey: REDACTED }, { token: REDACTED, role: "user", content: "c" }, { role: "user", content: "c", password: REDACTED }] }),
    );
    // Look-alikes of secret keys (same length, same first letters) seen first.
    for (const [kept, secret] of [["topic", "token"], ["status", "secret"], ["passport", "password"]] as const) {
      assert.equal(safeJson({ [kept]: 1 }), `{"${kept}":1}`);
      assert.equal(safeJson({ [secret]: 1 }), `{"${secret}":"${REDACTED}"}`);
    }
    // And at another depth than the one the safe keys were seen at.
    assert.equal(safeJson({ role: { content: { secret: "s" } } }), `{"role":{"content":{"secret":"${REDACTED}"}}}`);
  });

  test("a key let through under one configuration is redacted once a new configuration names it, and back", () => {
    assert.equal(safeJson({ content: "c", n: 1 }), '{"content":"c","n":1}');
    configureCapture({ redactKeys: ["content"] });
    assert.equal(safeJson({ content: "c", n: 1 }), `{"content":"${REDACTED}","n":1}`);
    configureCapture({ redactKeys: [/^n$/] });
    assert.equal(safeJson({ content: "c", n: 1 }), `{"content":"c","n":"${REDACTED}"}`);
    resetCapture();
    assert.equal(safeJson({ content: "c", n: 1 }), '{"content":"c","n":1}');
  });

  test("a property added to Object.prototype does not make a key look safe", () => {
    for (const key of ["apiKey", "token"]) {
      // Not enumerable: only a lookup that reads the prototype chain sees it, as a cache on a plain object would.
      Object.defineProperty(Object.prototype, key, { value: true, configurable: true, writable: true });
      try {
        assert.equal(safeJson({ [key]: "s", other: 1 }), `{"${key}":"${REDACTED}","other":1}`);
      } finally {
        delete (Object.prototype as Record<string, unknown>)[key];
      }
    }
  });

  test("keys named like Object.prototype's own properties are remembered and redacted like any other", () => {
    const keyed = JSON.parse('{"__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":"h"}') as object;
    const text = '{"__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":"h"}';
    assert.equal(safeJson(keyed), text);
    assert.equal(safeJson(keyed), text);
    configureCapture({ redactKeys: [/^__proto__$/, "constructor"] });
    assert.equal(safeJson(keyed), `{"__proto__":"${REDACTED}","constructor":"${REDACTED}","toString":"t","hasOwnProperty":"h"}`);
  });

  test("past the bound of remembered keys, secrets are still redacted and other keys kept", () => {
    for (let i = 0; i < 12_000; i++) assert.equal(safeJson({ [`field_${i}`]: i }), `{"field_${i}":${i}}`);
    assert.equal(safeJson({ field_3: 3, apiKey: "k", field_11999: 1 }), `{"field_3":3,"apiKey":"${REDACTED}","field_11999":1}`);
    const long = `${"x".repeat(100)}_token`;
    assert.equal(safeJson({ [long]: "t" }), `{"${long}":"${REDACTED}"}`);
    const longSafe = "y".repeat(100);
    assert.equal(safeJson({ [longSafe]: 1 }), `{"${longSafe}":1}`);
    assert.equal(safeJson({ [longSafe]: 1 }), `{"${longSafe}":1}`);
  });
});

describe("hasRedactedKey", () => {
  const values: unknown[] = [
    { query: "churn", year: 2025 },
    { user: "ann", password: "x" },
    [{ a: 1 }, { nested: { deeper: [{ apiKey: "k" }] } }],
    { list: [1, "two", null, true], remark: "[REDACTED]" },
    { note: "kept" },
    { "[REDACTED]": 1 },
    "text",
    42,
    null,
    [],
    {},
  ];

  test("is true exactly when safeJson redacts a key of parsed JSON (default keys, custom keys, redaction off)", () => {
    for (const setup of [undefined, { redactKeys: ["year", /^no/] }, { redactKeys: false as const }]) {
      resetCapture();
      if (setup !== undefined) configureCapture(setup);
      for (const value of values) {
        const parsed: unknown = JSON.parse(JSON.stringify(value));
        // Small plain data: safeJson writes what JSON.stringify writes unless it redacted a key.
        const redactedBySafeJson = safeJson(parsed) !== JSON.stringify(parsed);
        assert.equal(hasRedactedKey(parsed), redactedBySafeJson, `${JSON.stringify(value)} with ${JSON.stringify(setup)}`);
      }
    }
  });

  test("counts what it cannot read as a possible redaction", () => {
    const throwing = Object.defineProperty({}, "x", { enumerable: true, get: () => { throw new Error("no"); } });
    assert.equal(hasRedactedKey(throwing), true);
  });
});

describe("hasRedactedJsonKey", () => {
  const texts = [
    '{"query":"churn by device count","year":2025}',
    '{"user":"ann","password":"x"}',
    '[{"a":1},{"nested":{"deeper":[{"apiKey":"k"}]}}]',
    '{ "token" :\n 1 }',
    '{"note":"token","list":["password",":"],"remark":"apiKey:"}',
    '{"token_count":3,"tokens":[1,2]}',
    '{"[REDACTED]":1}',
    '"password"',
    "[]",
    "{}",
  ];

  test("reads the keys of JSON text as hasRedactedKey reads them parsed (default keys, custom keys, redaction off)", () => {
    for (const setup of [undefined, { redactKeys: ["year", /^no/] }, { redactKeys: false as const }]) {
      resetCapture();
      if (setup !== undefined) configureCapture(setup);
      for (const text of texts) {
        assert.equal(hasRedactedJsonKey(text), hasRedactedKey(JSON.parse(text)), `${text} with ${JSON.stringify(setup)}`);
      }
    }
  });

  test("counts a backslash as a possible redaction while redaction is on, and reads text that is not JSON", () => {
    assert.equal(hasRedactedJsonKey('{"pass\\u0077ord":"x"}'), true);
    assert.equal(hasRedactedJsonKey('{"note":"a \\"quote\\""}'), true);
    assert.equal(hasRedactedJsonKey('{"query":"chu'), false);
    assert.equal(hasRedactedJsonKey('{"query":"churn","password'), false);
    assert.equal(hasRedactedJsonKey('{"query":"churn","password":'), true);
    configureCapture({ redactKeys: false });
    assert.equal(hasRedactedJsonKey('{"pass\\u0077ord":"x"}'), false);
  });
});
