import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { chain } from "@calltree/chain";
import { captureTraces } from "@calltree/testing";
import { isChildOf, tick, traceIds } from "./helpers.js";

// Each test builds a call tree in one shape of code and checks it is exactly one trace with the right parents.

describe("@chain keeps one call tree in one trace", () => {
  test("nested await", async () => {
    using traces = captureTraces();
    class Pipeline {
      @chain async leaf(x: number) { await tick(); return x * 2; }
      @chain async middle(x: number) { await tick(); return (await this.leaf(x)) + 1; }
      @chain async top(x: number) { return this.middle(x); }
    }
    assert.equal(await new Pipeline().top(3), 7);
    assert.equal(traces.shape(), ["CHAIN Pipeline.top", "  CHAIN Pipeline.middle", "    CHAIN Pipeline.leaf"].join("\n"));
    assert.equal(traceIds(traces.spans).size, 1);
  });

  test("Promise.all fan-out", async () => {
    using traces = captureTraces();
    class Fan {
      @chain async one(i: number) { await tick(); return i; }
      @chain async all() { return Promise.all([1, 2, 3, 4].map((i) => this.one(i))); }
    }
    assert.deepEqual(await new Fan().all(), [1, 2, 3, 4]);
    const root = traces.get({ name: "Fan.all" });
    const kids = traces.find({ name: "Fan.one" });
    assert.equal(kids.length, 4);
    for (const k of kids) assert.ok(isChildOf(k, root));
  });

  test("setTimeout, setImmediate and queueMicrotask callbacks", async () => {
    using traces = captureTraces();
    class Timers {
      @chain leaf(label: string) { return label; }
      @chain async top() {
        await new Promise<void>((r) => setTimeout(() => { this.leaf("timeout"); r(); }, 2));
        await new Promise<void>((r) => setImmediate(() => { this.leaf("immediate"); r(); }));
        await new Promise<void>((r) => queueMicrotask(() => { this.leaf("microtask"); r(); }));
      }
    }
    await new Timers().top();
    const root = traces.get({ name: "Timers.top" });
    const leaves = traces.find({ name: "Timers.leaf" });
    assert.equal(leaves.length, 3);
    for (const l of leaves) assert.ok(isChildOf(l, root), "timer callback span nests under the caller");
  });

  test("EventEmitter listeners registered and emitted inside a span", async () => {
    using traces = captureTraces();
    class Bus {
      @chain onEvent(v: string) { return v.toUpperCase(); }
      @chain async top() {
        const ee = new EventEmitter();
        const done = new Promise<void>((r) => ee.on("data", (v: string) => { this.onEvent(v); r(); }));
        setTimeout(() => ee.emit("data", "x"), 1);
        await done;
      }
    }
    await new Bus().top();
    assert.ok(isChildOf(traces.get({ name: "Bus.onEvent" }), traces.get({ name: "Bus.top" })));
  });

  test("recursion", async () => {
    using traces = captureTraces();
    class Rec {
      @chain async fact(n: number): Promise<number> { return n <= 1 ? 1 : n * (await this.fact(n - 1)); }
    }
    assert.equal(await new Rec().fact(5), 120);
    assert.equal(traces.spans.length, 5);
    assert.equal(traceIds(traces.spans).size, 1);
    const lines = traces.shape().split("\n");
    assert.deepEqual(lines.map((l) => l.length - l.trimStart().length), [0, 2, 4, 6, 8]);
  });

  test("a method called with another `this`", async () => {
    using traces = captureTraces();
    class A { factor = 2; @chain scale(x: number) { return x * this.factor; } }
    const other = { factor: 10 };
    assert.equal(A.prototype.scale.call(other as A, 3), 30);
    assert.equal(traces.spans.length, 1);
  });

  test("subclass methods calling decorated super methods", async () => {
    using traces = captureTraces();
    class Base { @chain async run(x: number) { await tick(); return x + 1; } }
    class Derived extends Base { @chain override async run(x: number) { return (await super.run(x)) * 10; } }
    assert.equal(await new Derived().run(1), 20);
    assert.equal(traces.shape(), ["CHAIN Derived.run", "  CHAIN Base.run"].join("\n"));
  });

  test("100 concurrent root calls are 100 traces with no cross-talk", async () => {
    using traces = captureTraces();
    class Job {
      @chain async step(id: number) { await tick(); return id; }
      @chain async run(id: number) { await tick(); return this.step(id); }
    }
    const job = new Job();
    const out = await Promise.all(Array.from({ length: 100 }, (_, i) => job.run(i)));
    assert.deepEqual(out, Array.from({ length: 100 }, (_, i) => i));
    const roots = traces.find({ name: "Job.run" });
    assert.equal(roots.length, 100);
    assert.equal(traceIds(traces.spans).size, 100);
    for (const root of roots) {
      const kids = traces.find({ name: "Job.step" }).filter((s) => isChildOf(s, root));
      assert.equal(kids.length, 1);
      assert.equal(kids[0]!.attributes["input.value"], root.attributes["input.value"], "child belongs to its own root");
    }
  });
});

describe("@chain on generators and streams", () => {
  test("a sync generator: children created while iterating nest; the span ends on completion", () => {
    using traces = captureTraces();
    class Gen {
      @chain item(i: number) { return i; }
      @chain *items() { for (let i = 0; i < 3; i++) yield this.item(i); }
    }
    const it = new Gen().items();
    assert.equal(traces.find({ name: "Gen.items" }).length, 0, "span still open before iteration");
    assert.deepEqual([...it], [0, 1, 2]);
    const parent = traces.get({ name: "Gen.items" });
    for (const s of traces.find({ name: "Gen.item" })) assert.ok(isChildOf(s, parent));
    assert.equal(parent.attributes["calltree.stream.state"], "completed");
    assert.equal(parent.attributes["output.value"], "[0,1,2]");
    assert.equal(parent.events[0]?.name, "First Token Stream Event");
  });

  test("an async generator: nests children, ends on completion, keeps the generator object", async () => {
    using traces = captureTraces();
    class Gen {
      @chain async item(i: number) { await tick(); return `t${i}`; }
      @chain async *tokens() { for (let i = 0; i < 3; i++) yield await this.item(i); }
    }
    const g = new Gen().tokens();
    assert.equal(Object.prototype.toString.call(g), "[object AsyncGenerator]");
    const seen: string[] = [];
    for await (const t of g) seen.push(t);
    assert.deepEqual(seen, ["t0", "t1", "t2"]);
    const parent = traces.get({ name: "Gen.tokens" });
    assert.equal(parent.attributes["output.value"], "t0t1t2");
    assert.equal(parent.attributes["output.mime_type"], "text/plain");
    for (const s of traces.find({ name: "Gen.item" })) assert.ok(isChildOf(s, parent));
  });

  test("early break ends the span as cancelled", async () => {
    using traces = captureTraces();
    class Gen { @chain async *count() { for (let i = 0; ; i++) { await tick(); yield i; } } }
    for await (const i of new Gen().count()) if (i === 2) break;
    const s = traces.get({ name: "Gen.count" });
    assert.equal(s.attributes["calltree.stream.state"], "cancelled");
  });

  test("return() ends the span", async () => {
    using traces = captureTraces();
    class Gen { @chain *count() { yield 1; yield 2; } }
    const it = new Gen().count();
    it.next();
    assert.deepEqual(it.return(undefined), { value: undefined, done: true });
    assert.equal(traces.get({ name: "Gen.count" }).attributes["calltree.stream.state"], "cancelled");
  });

  test("an error thrown while iterating is recorded and rethrown unchanged", async () => {
    using traces = captureTraces();
    const boom = new Error("halfway");
    class Gen { @chain async *broken() { yield 1; throw boom; } }
    await assert.rejects(async () => { for await (const _ of new Gen().broken()) { /* consume */ } }, (e) => e === boom);
    const s = traces.get({ name: "Gen.broken" });
    assert.equal(s.status.code, 2);
    assert.equal(s.attributes["calltree.stream.state"], "errored");
    assert.equal(s.events.some((e) => e.name === "exception"), true);
  });

  test("a returned async iterable keeps its class and methods; the span ends when consumption ends", async () => {
    using traces = captureTraces();
    class TokenStream {
      #parts: string[];
      constructor(parts: string[]) { this.#parts = parts; }
      extra() { return this.#parts.length; }
      async *[Symbol.asyncIterator]() { for (const p of this.#parts) { await tick(); yield p; } }
    }
    class Api {
      @chain inner() { return 1; }
      @chain stream() { return new TokenStream(["a", "b"]); }
    }
    const s = new Api().stream();
    assert.ok(s instanceof TokenStream);
    assert.equal(s.extra(), 2, "private fields and methods still work");
    assert.equal(traces.find({ name: "Api.stream" }).length, 0);
    const got: string[] = [];
    for await (const p of s) got.push(p);
    assert.deepEqual(got, ["a", "b"]);
    assert.equal(traces.get({ name: "Api.stream" }).attributes["output.value"], "ab");
  });

  test("a Promise of an async iterable: the span stays open until the stream is consumed", async () => {
    using traces = captureTraces();
    class Api {
      @chain async stream() { await tick(); return (async function* () { yield "x"; yield "y"; })(); }
    }
    const s = await new Api().stream();
    await tick();
    assert.equal(traces.find({ name: "Api.stream" }).length, 0);
    const got: string[] = [];
    for await (const p of s) got.push(p);
    assert.equal(traces.get({ name: "Api.stream" }).attributes["output.value"], "xy");
  });

  test("a returned web ReadableStream: chunks flow unchanged, children nest, the span ends when read", async () => {
    using traces = captureTraces();
    class Api {
      @chain chunk(i: number) { return `c${i}`; }
      @chain stream() {
        let i = 0;
        return new ReadableStream<string>({
          pull: (controller) => {
            if (i < 3) controller.enqueue(this.chunk(i++));
            else controller.close();
          },
        });
      }
    }
    const rs = new Api().stream();
    assert.ok(rs instanceof ReadableStream);
    const got: string[] = [];
    for await (const c of rs) got.push(c);
    assert.deepEqual(got, ["c0", "c1", "c2"]);
    const parent = traces.get({ name: "Api.stream" });
    assert.equal(parent.attributes["output.value"], "c0c1c2");
    assert.equal(traceIds(traces.spans).size, 1);
    for (const s of traces.find({ name: "Api.chunk" })) assert.ok(isChildOf(s, parent));
  });

  test("arrays, strings, Maps and Sets are plain values, not streams", () => {
    using traces = captureTraces();
    class Values {
      @chain arr() { return [1, 2]; }
      @chain map() { return new Map([["a", 1]]); }
      @chain set() { return new Set([1]); }
      @chain str() { return "text"; }
    }
    const v = new Values();
    v.arr(); v.map(); v.set(); v.str();
    assert.equal(traces.spans.length, 4, "every span ended at return");
    assert.equal(traces.get({ name: "Values.map" }).attributes["output.value"], '{"a":1}');
    assert.equal(traces.get({ name: "Values.set" }).attributes["output.value"], "[1]");
  });
});
