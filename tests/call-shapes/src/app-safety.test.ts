// Tracing never changes the app, for the values that carry more than a result: a Promise the app shares, a byte
// stream, a constructor, a function other decorators described.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chain } from "@calltree/chain";
import { captureTraces } from "@calltree/testing";

function runFixture(scenario: string, mode: "traced" | "plain") {
  const script = fileURLToPath(new URL("./fixtures/shared-promise.js", import.meta.url));
  const r = spawnSync(process.execPath, [script, scenario, mode], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { reports: string[]; same: boolean; spans: number };
}

describe("a Promise returned by a sync decorated function", () => {
  for (const scenario of ["cached", "fire-and-forget"]) {
    test(`${scenario}: the caller gets the very Promise and no unhandledRejection is reported`, () => {
      const plain = runFixture(scenario, "plain");
      const traced = runFixture(scenario, "traced");
      assert.deepEqual(plain.reports, []);
      assert.deepEqual(traced.reports, [], "no spurious unhandledRejection");
      assert.equal(traced.same, true, "the same Promise object");
      assert.ok(traced.spans >= 1, "the calls are still traced");
    });
  }

  test("an async function's unhandled rejection is reported as without calltree; a handled one is not", () => {
    assert.deepEqual(runFixture("async-unhandled", "plain").reports, ["failure"]);
    assert.deepEqual(runFixture("async-unhandled", "traced").reports, ["failure"]);
    assert.deepEqual(runFixture("async-handled", "plain").reports, []);
    assert.deepEqual(runFixture("async-handled", "traced").reports, []);
  });

  test("the span ends when the shared Promise settles, with its value or its error", async () => {
    using traces = captureTraces();
    const value = { ok: 1 };
    const error = new Error("no");
    const resolved = Promise.resolve(value);
    const rejected = Promise.reject(error);
    rejected.catch(() => undefined);
    const ok = chain.wrap(function ok() { return resolved; });
    const bad = chain.wrap(function bad() { return rejected; });
    assert.equal(ok(), resolved);
    assert.equal(bad(), rejected);
    assert.equal(await resolved, value);
    await assert.rejects(rejected, (e) => e === error);
    await new Promise((r) => setImmediate(r));
    assert.equal(traces.get({ name: "ok" }).attributes["output.value"], '{"ok":1}');
    assert.equal(traces.get({ name: "bad" }).status.code, 2);
  });
});

describe("a returned byte ReadableStream", () => {
  function byteSource(chunks: Uint8Array[], seen: { cancelled?: unknown; pulls: number }) {
    return new ReadableStream({
      type: "bytes",
      pull(controller) {
        seen.pulls++;
        const next = chunks.shift();
        if (next === undefined) {
          controller.close();
          controller.byobRequest?.respond(0);
        } else controller.enqueue(next);
      },
      cancel(reason) {
        seen.cancelled = reason;
      },
    });
  }

  test("stays a byte stream: a BYOB reader reads the same bytes, and the span ends when it is done", async () => {
    using traces = captureTraces();
    const seen = { pulls: 0 };
    const body = chain.wrap(function body() { return byteSource([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])], seen); });
    const stream = body() as ReadableStream<Uint8Array>;
    const reader = stream.getReader({ mode: "byob" });
    const got: number[] = [];
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(8));
      if (done) break;
      got.push(...value);
    }
    assert.deepEqual(got, [1, 2, 3, 4, 5]);
    const span = traces.get({ name: "body" });
    assert.equal(span.attributes["calltree.stream.state"], "completed");
    assert.equal(span.attributes["output.value"], '["[Uint8Array 3 bytes]","[Uint8Array 2 bytes]"]');
  });

  test("fetch's Response.body: BYOB reads work, and cancelling reaches the source with its reason", async () => {
    using traces = captureTraces();
    const seen: { cancelled?: unknown; pulls: number } = { pulls: 0 };
    const source = byteSource([new Uint8Array([7]), new Uint8Array([8])], seen);
    const fetchBody = chain.wrap(async function fetchBody() { return new Response(source).body!; });
    const stream = await fetchBody();
    const reader = stream.getReader({ mode: "byob" });
    const first = await reader.read(new Uint8Array(4));
    assert.deepEqual([...first.value!], [7]);
    await reader.cancel("client left");
    assert.equal(seen.cancelled, "client left");
    assert.equal(traces.get({ name: "fetchBody" }).attributes["calltree.stream.state"], "cancelled");
  });

  test("a default stream stays a default stream", async () => {
    using _ = captureTraces();
    const f = chain.wrap(function f() { return new ReadableStream<string>({ start(c) { c.enqueue("a"); c.close(); } }); });
    const s = f();
    assert.throws(() => s.getReader({ mode: "byob" } as never), TypeError);
  });
});

describe("kind.wrap keeps what `new` does", () => {
  test("a constructible function: new.target, prototype, instanceof, and the call is traced", () => {
    using traces = captureTraces();
    function Point(this: { x: number; target?: unknown }, x: number) {
      this.x = x;
      this.target = new.target;
    }
    Point.prototype.norm = function (this: { x: number }) { return Math.abs(this.x); };
    type PointLike = { x: number; target: unknown; norm(): number };
    const Traced = chain.wrap(Point as never) as unknown as new (x: number) => PointLike;
    const p = new Traced(-3);
    assert.equal(p.x, -3);
    assert.equal(p.target, Point, "new.target is what the plain `new Point()` sees");
    assert.equal(Object.getPrototypeOf(p), Point.prototype);
    assert.ok(p instanceof Traced);
    assert.ok(p instanceof (Point as unknown as Function));
    assert.equal(p.norm(), 3);
    assert.equal(Traced.prototype, Point.prototype);
    assert.equal(traces.spans.length, 1);
    assert.equal(traces.spans[0]!.attributes["input.value"], "-3");
  });

  test("a subclass of the wrapped constructor gets its own new.target", () => {
    using _ = captureTraces();
    function Base(this: { kind?: unknown }) { this.kind = new.target; }
    const Traced = chain.wrap(Base as never) as unknown as new () => { kind: unknown };
    class Sub extends Traced {}
    const s = new Sub();
    assert.equal(s.kind, Sub);
    assert.ok(s instanceof Sub);
  });

  test("a wrapped function still works when called without new", () => {
    using _ = captureTraces();
    function maybe(this: unknown) { return new.target === undefined ? "called" : "constructed"; }
    assert.equal(chain.wrap(maybe)(), "called");
  });

  test("arrows, methods, async functions stay non-constructible (the same TypeError) and have no prototype", () => {
    using _ = captureTraces();
    const arrow = () => 1;
    const method = { m() { return 1; } }.m;
    const asyncFn = async () => 1;
    for (const fn of [arrow, method, asyncFn]) {
      const w = chain.wrap(fn) as unknown as new () => unknown;
      assert.throws(() => new (fn as unknown as new () => unknown)(), TypeError);
      assert.throws(() => new w(), TypeError);
      assert.equal(Object.prototype.hasOwnProperty.call(w, "prototype"), false);
    }
    const gen = function* () { yield 1; };
    const g = chain.wrap(gen);
    assert.equal(g.prototype, gen.prototype, "a generator function keeps its prototype");
    assert.throws(() => new (g as unknown as new () => unknown)(), TypeError);
  });

  test("a decorated method stays non-constructible", () => {
    class A { @chain m() { return 1; } }
    assert.throws(() => new (A.prototype.m as unknown as new () => unknown)(), TypeError);
  });
});

describe("what other decorators put on the function survives (standard decorators)", () => {
  test("own properties set by a decorator applied before ours, and after", () => {
    using _ = captureTraces();
    const route = (path: string) => (value: Function, _ctx: ClassMethodDecoratorContext) => {
      Object.assign(value, { route: path });
      (value as unknown as { [k: symbol]: unknown })[Symbol.for("roles")] = ["admin"];
    };
    class C {
      @chain
      @route("/x")
      get() { return "x"; }
      @route("/y")
      @chain
      other() { return "y"; }
    }
    assert.equal((C.prototype.get as unknown as { route: string }).route, "/x");
    assert.deepEqual((C.prototype.get as unknown as { [k: symbol]: unknown })[Symbol.for("roles")], ["admin"]);
    assert.equal((C.prototype.other as unknown as { route: string }).route, "/y");
    assert.equal(new C().get(), "x");
  });
});
