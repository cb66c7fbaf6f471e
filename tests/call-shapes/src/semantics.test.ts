import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { diag, DiagLogLevel, trace } from "@opentelemetry/api";
import { chain } from "@calltree/chain";
import { CalltreeError, withSession } from "@calltree/core";
import { defineKind } from "@calltree/core/kind";
import { captureTraces } from "@calltree/testing";
import { isChildOf, tick } from "./helpers.js";

function collectWarnings(): { messages: string[]; stop(): void } {
  const messages: string[] = [];
  const log = (m: string) => messages.push(m);
  diag.setLogger({ error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return { messages, stop: () => diag.disable() };
}

describe("tracing never changes the app", () => {
  test("same value (same object), same `this`", async () => {
    using _ = captureTraces();
    const obj = { deep: [1] };
    class A {
      @chain get() { return obj; }
      @chain async getAsync() { return obj; }
      @chain self() { return this; }
    }
    const a = new A();
    assert.equal(a.get(), obj);
    assert.equal(await a.getAsync(), obj);
    assert.equal(a.self(), a);
  });

  test("a sync method stays sync; an async method returns a native Promise", () => {
    using _ = captureTraces();
    class A { @chain sync() { return 1; } @chain async later() { return 1; } }
    const a = new A();
    assert.equal(a.sync(), 1);
    const p = a.later();
    assert.equal(Object.getPrototypeOf(p), Promise.prototype);
  });

  test("the same error object is rethrown, sync and async, and recorded", async () => {
    using traces = captureTraces();
    const err = new TypeError("bad");
    class A {
      @chain boom(): never { throw err; }
      @chain async boomAsync(): Promise<never> { await tick(); throw err; }
    }
    assert.throws(() => new A().boom(), (e) => e === err);
    await assert.rejects(new A().boomAsync(), (e) => e === err);
    for (const s of traces.spans) {
      assert.equal(s.status.code, 2);
      assert.equal(s.status.message, "TypeError: bad");
      const ev = s.events.find((e) => e.name === "exception");
      assert.equal(ev?.attributes?.["exception.message"], "bad");
      assert.equal(ev?.attributes?.["exception.type"], "TypeError");
    }
  });

  test("non-Error throwables (string, object, undefined) are rethrown as is and recorded", async () => {
    using traces = captureTraces();
    const thrown = [ "plain string", { code: 42 }, undefined ];
    for (const value of thrown) {
      const f = chain.wrap(function thrower() { throw value; });
      assert.throws(() => f(), (e) => e === value);
      const g = chain.wrap(async function rejecter() { throw value; });
      await assert.rejects(g(), (e) => e === value);
    }
    assert.equal(traces.spans.length, 6);
    for (const s of traces.spans) assert.equal(s.status.code, 2);
    assert.equal(traces.spans[0]!.status.message, "plain string");
    assert.equal(traces.spans[2]!.status.message, '{"code":42}');
  });

  test("name and length of the function are kept", () => {
    class A { @chain ask(q: string, n: number) { return q.repeat(n); } }
    assert.equal(A.prototype.ask.name, "ask");
    assert.equal(A.prototype.ask.length, 2);
    const w = chain.wrap(function search(a: string, b: number, c: boolean) { return [a, b, c]; });
    assert.equal(w.name, "search");
    assert.equal(w.length, 3);
  });

  test("a Promise subclass keeps its class and extra methods (same object)", async () => {
    using traces = captureTraces();
    class Fancy<T> extends Promise<T> {
      extra() { return "still here"; }
    }
    class A { @chain make() { return new Fancy<number>((r) => setTimeout(() => r(5), 1)); } }
    const p = new A().make();
    assert.ok(p instanceof Fancy);
    assert.equal(p.extra(), "still here");
    assert.equal(await p, 5);
    assert.equal(traces.get({ name: "A.make" }).attributes["output.value"], "5");
  });

  test("a throwing input/output mapper: the call goes on, one diagnostic per method", async () => {
    const warnings = collectWarnings();
    try {
      using traces = captureTraces();
      class A {
        @chain({ input: () => { throw new Error("mapper broke"); }, output: () => { throw new Error("out broke"); } })
        run(x: number) { return x + 1; }
      }
      const a = new A();
      assert.equal(a.run(1), 2);
      assert.equal(a.run(2), 3);
      assert.equal(traces.spans.length, 2);
      assert.equal(traces.spans[0]!.attributes["input.value"], undefined);
      const mine = warnings.messages.filter((m) => m.includes("A.run") || m.includes("run"));
      assert.equal(mine.filter((m) => m.includes("input mapper")).length, 1);
      assert.equal(mine.filter((m) => m.includes("output mapper")).length, 1);
    } finally {
      warnings.stop();
    }
  });

  test("a kind hook that throws never reaches the app", async () => {
    using traces = captureTraces();
    const broken = defineKind({
      name: "broken",
      spanKind: "CHAIN",
      onStart: () => { throw new Error("x"); },
      onResult: () => { throw new Error("y"); },
      onChunk: () => { throw new Error("z"); },
      onStreamEnd: () => { throw new Error("w"); },
    });
    const f = broken.wrap(function* gen() { yield 1; yield 2; });
    assert.deepEqual([...f()], [1, 2]);
    const g = broken.wrap(async (x: number) => x * 2);
    assert.equal(await g(4), 8);
    assert.equal(traces.spans.length, 2);
  });

  test("an unhandled rejection stays unhandled; a handled one is not reported", () => {
    const script = fileURLToPath(new URL("./fixtures/unhandled.js", import.meta.url));
    const unhandled = spawnSync(process.execPath, [script, "unhandled"], { encoding: "utf8" });
    assert.notEqual(unhandled.status, 0, "the process crashes as it would without calltree");
    assert.match(unhandled.stderr, /left alone/);
    const handled = spawnSync(process.execPath, [script, "handled"], { encoding: "utf8" });
    assert.equal(handled.status, 0, handled.stderr);
    assert.equal(handled.stdout.trim(), "handled once");
  });

  test("with no provider at all the method is called directly and nothing is recorded", async () => {
    const before = trace.getTracerProvider();
    class A { @chain async run(x: number) { return x; } }
    assert.equal(await new A().run(3), 3);
    assert.equal(trace.getTracerProvider(), before);
  });
});

describe("options", () => {
  test("root: true starts a new trace linked to the caller's span, keeping context values", async () => {
    using traces = captureTraces();
    class A {
      @chain({ root: true }) async background() { await tick(); }
      @chain async top() { await this.background(); }
    }
    await withSession("s-1", () => new A().top());
    const top = traces.get({ name: "A.top" });
    const bg = traces.get({ name: "A.background" });
    assert.notEqual(bg.spanContext().traceId, top.spanContext().traceId);
    assert.equal(bg.parentSpanContext, undefined);
    assert.equal(bg.links[0]?.context.spanId, top.spanContext().spanId);
    assert.equal(bg.attributes["session.id"], "s-1");
  });

  test("name, captureInput/captureOutput, attributes (static and per call)", () => {
    using traces = captureTraces();
    class A {
      @chain({ name: "custom", captureInput: false, captureOutput: false, attributes: { team: "search" } })
      quiet(secret: string) { return secret; }
      @chain({ attributes: (q: string) => ({ "query.length": q.length }) })
      loud(q: string) { return q; }
    }
    new A().quiet("hush");
    new A().loud("hello");
    const quiet = traces.get({ name: "custom" });
    assert.equal(quiet.attributes["input.value"], undefined);
    assert.equal(quiet.attributes["output.value"], undefined);
    assert.equal(quiet.attributes["team"], "search");
    assert.equal(traces.get({ name: "A.loud" }).attributes["query.length"], 5);
  });

  test("wrong options fail at class definition with a CalltreeError naming the option", () => {
    assert.throws(
      () => { class A { @chain({ nmae: "x" } as never) m() {} } return A; },
      (e) => e instanceof CalltreeError && e.code === "INVALID_OPTIONS" && /unknown option `nmae`/.test(e.message),
    );
    assert.throws(
      () => { class A { @chain({ captureInput: "yes" } as never) m() {} } return A; },
      (e) => e instanceof CalltreeError && /option `captureInput`/.test(e.message),
    );
    assert.throws(() => chain.wrap(42 as never), (e) => e instanceof CalltreeError && e.code === "INVALID_ARGUMENT");
  });

  test("misuse on a class, a field, an accessor throws a TypeError at definition time saying what to do", () => {
    const check = (e: unknown) => e instanceof TypeError && /chain\.wrap\(fn\)/.test((e as Error).message);
    assert.throws(() => { @(chain as any) class A {} return A; }, check);
    assert.throws(() => { class A { @(chain as any) field = 1; } return A; }, check);
    assert.throws(() => { class A { @(chain as any) accessor x = 1; } return A; }, check);
    assert.throws(() => { class A { @(chain as any) get g() { return 1; } } return A; }, check);
  });

  test("a decorator compiled as the 2018-09 proposal (one element descriptor: Next.js's SWC without experimentalDecorators) says to set experimentalDecorators or use wrap", () => {
    const element = { kind: "method", key: "m", placement: "prototype", descriptor: { value() {}, writable: true, configurable: true, enumerable: false } };
    assert.throws(
      () => (chain as unknown as (e: unknown) => unknown)(element),
      (e) => e instanceof CalltreeError && e.code === "UNSUPPORTED_DECORATOR_MODE" &&
        /"experimentalDecorators": true/.test(e.message) && /chain\.wrap\(fn\)/.test(e.message),
    );
  });
});

describe("capture", () => {
  test("one string argument is text/plain; several arguments are keyed by parameter name", () => {
    using traces = captureTraces();
    class A {
      @chain one(q: string) { return q; }
      @chain two(question: string, limit: number) { return { question, limit }; }
      @chain destructured({ a }: { a: number }, ...rest: number[]) { return a + rest.length; }
    }
    const a = new A();
    a.one("hi");
    a.two("why", 3);
    a.destructured({ a: 1 }, 2, 3);
    const one = traces.get({ name: "A.one" });
    assert.equal(one.attributes["input.value"], "hi");
    assert.equal(one.attributes["input.mime_type"], "text/plain");
    const two = traces.get({ name: "A.two" });
    assert.equal(two.attributes["input.value"], '{"question":"why","limit":3}');
    assert.equal(two.attributes["input.mime_type"], "application/json");
    assert.equal(two.attributes["output.value"], '{"question":"why","limit":3}');
    assert.equal(traces.get({ name: "A.destructured" }).attributes["input.value"], '[{"a":1},2,3]');
  });

  test("secret-looking keys are redacted in captured values", () => {
    using traces = captureTraces();
    const f = chain.wrap(function call(config: object) { return config; });
    f({ apiKey: "sk-live-123", headers: { Authorization: "Bearer abc" }, nested: { db_password: "pw" }, max_tokens: 5 });
    const v = String(traces.spans[0]!.attributes["input.value"]);
    assert.doesNotMatch(v, /sk-live-123|Bearer abc|"pw"/);
    assert.match(v, /"max_tokens":5/);
  });

  test("the code location of the decorated method is recorded (code.* attributes)", () => {
    using traces = captureTraces();
    class Located { @chain here() { return 1; } }
    new Located().here();
    const s = traces.spans[0]!;
    assert.match(String(s.attributes["code.file.path"]), /semantics\.test\.(ts|js)$/);
    assert.equal(typeof s.attributes["code.line.number"], "number");
    assert.equal(s.attributes["code.function.name"], "here");
  });

  test("static and #private methods are traced with the class name", () => {
    using traces = captureTraces();
    class Svc {
      @chain static make() { return new Svc(); }
      @chain #secret() { return 2; }
      run() { return this.#secret(); }
    }
    Svc.make().run();
    assert.deepEqual(traces.spans.map((s) => s.name).sort(), ["Svc.#secret", "Svc.make"]);
  });

  test("recorder: kind.record() writes to the innermost call of that kind, through masking", async () => {
    using traces = captureTraces();
    const noted = defineKind<{}, { note: string }>({
      name: "noted",
      spanKind: "CHAIN",
      record: (data) => ({ "test.note": data.note }),
    });
    class A {
      @noted async outer() { await this.inner(); noted.record({ note: "outer" }); }
      @chain async inner() { noted.record({ note: "from inner chain" }); }
    }
    await new A().outer();
    assert.equal(traces.get({ name: "A.outer" }).attributes["test.note"], "outer");
    assert.equal(traces.get({ name: "A.inner" }).attributes["test.note"], undefined);
    noted.record({ note: "outside" });
    assert.ok(isChildOf(traces.get({ name: "A.inner" }), traces.get({ name: "A.outer" })));
  });
});
