// A returned stream that reads another instrumented iterator of itself (Stainless SDKs' `Symbol.asyncIterator`
// reading the instance's own `iterator()`, an SDK's telemetry layer around its stream): each chunk and the end are
// counted once, on the layer the app reads, and spans ending inside the outer layer still belong to the call.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { trace } from "@opentelemetry/api";
import { chain } from "@calltree/chain";
import { defineKind } from "@calltree/core/kind";
import { captureTraces } from "@calltree/testing";

/** An async iterable shaped like a Stainless `Stream`: an own `iterator` factory its async iterator reads. */
class Layered {
  readonly iterator: () => AsyncGenerator<string>;
  constructor(
    items: readonly string[],
    private readonly around?: { start(): void; end(): void },
  ) {
    this.iterator = async function* () {
      for (const x of items) yield x;
    };
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    this.around?.start();
    for await (const x of this.iterator()) yield x;
    // A telemetry layer ends its span after the inner iterator is done, before the app sees the end.
    this.around?.end();
  }
}

/** A kind that records what the engine hands it: chunks, stream ends, child spans, and what it writes at close. */
function countingKind() {
  const seen = { chunks: [] as unknown[], ends: 0, children: [] as string[], childrenAtClose: -1 };
  const kind = defineKind({
    name: "layered",
    spanKind: "CHAIN",
    onChunk: (chunk) => void seen.chunks.push(chunk),
    onStreamEnd: () => {
      seen.ends++;
    },
    onChildSpan: (child) => void seen.children.push(child.name),
    onClose: () => {
      seen.childrenAtClose = seen.children.length;
      return { "test.children_at_close": seen.children.length };
    },
  });
  return { kind, seen };
}

describe("a stream with instrumented layers of its own", () => {
  test("each chunk and the end are counted once, on the layer the app reads", async () => {
    using traces = captureTraces();
    const { kind, seen } = countingKind();
    const stream = kind.wrap(() => new Layered(["a", "b", "c"]), { name: "layered" });
    let read = "";
    for await (const x of stream()) read += x;
    assert.equal(read, "abc");
    assert.deepEqual(seen.chunks, ["a", "b", "c"]);
    assert.equal(seen.ends, 1);
    const span = traces.get({ name: "layered" });
    assert.equal(span.attributes["output.value"], "abc");
  });

  test("the instance's own iterator() read directly is still counted (it is then the outermost layer)", async () => {
    using traces = captureTraces();
    const { kind, seen } = countingKind();
    const stream = kind.wrap(() => new Layered(["x", "y"]), { name: "direct" });
    let read = "";
    for await (const x of stream().iterator()) read += x;
    assert.equal(read, "xy");
    assert.deepEqual(seen.chunks, ["x", "y"]);
    assert.equal(traces.get({ name: "direct" }).attributes["output.value"], "xy");
  });

  test("a stream of one call read by another call's stream is counted by both", async () => {
    using traces = captureTraces();
    const inner = chain.wrap(async function* inner() {
      yield "p";
      yield "q";
    });
    const outer = chain.wrap(async function* outer() {
      yield* inner();
    });
    let read = "";
    for await (const x of outer()) read += x;
    assert.equal(read, "pq");
    assert.equal(traces.get({ name: "inner" }).attributes["output.value"], "pq");
    assert.equal(traces.get({ name: "outer" }).attributes["output.value"], "pq");
  });

  test("a call returning another call's stream (async or sync) ends when the app has read it, and so does the inner one", async () => {
    for (const outerIsAsync of [true, false]) {
      using traces = captureTraces();
      const inner = chain.wrap(async function* words(t: string) {
        yield "a";
        yield t;
      });
      const outer = outerIsAsync ? chain.wrap(async function run(t: string) { return inner(t); }) : chain.wrap(function run(t: string) { return inner(t); });
      const it = await outer("b");
      let read = "";
      for await (const x of it) read += x;
      assert.equal(read, "ab");
      await traces.flush();
      assert.equal(traces.shape(), "CHAIN run\n  CHAIN words", `outer ${outerIsAsync ? "async" : "sync"}`);
      assert.equal(traces.get({ name: "run" }).attributes["output.value"], "ab");
      assert.equal(traces.get({ name: "words" }).attributes["output.value"], "ab");
    }
  });

  test("a span that ends in the outer layer after the inner one is done reaches the call before its span closes", async () => {
    using traces = captureTraces({ global: true });
    const { kind, seen } = countingKind();
    let sdkSpan: ReturnType<ReturnType<typeof trace.getTracer>["startSpan"]> | undefined;
    const around = {
      start: () => void (sdkSpan = trace.getTracer("sdk").startSpan("sdk stream")),
      end: () => sdkSpan?.end(),
    };
    const stream = kind.wrap(() => new Layered(["a", "b"], around), { name: "with child" });
    for await (const _ of stream()) void _;
    assert.deepEqual(seen.children, ["sdk stream"]);
    assert.equal(seen.childrenAtClose, 1);
    const parent = traces.get({ name: "with child" });
    assert.equal(parent.attributes["test.children_at_close"], 1);
    assert.equal(traces.get({ name: "sdk stream" }).parentSpanContext?.spanId, parent.spanContext().spanId);
  });

  test("a child that ends after the call ended, while its span waits for pending work, is still the call's", async () => {
    using traces = captureTraces({ global: true });
    const { kind, seen } = countingKind();
    let release: () => void = () => undefined;
    let child: ReturnType<ReturnType<typeof trace.getTracer>["startSpan"]> | undefined;
    const work = kind.wrap(
      () => {
        child = trace.getTracer("sdk").startSpan("late child");
        kind.current()!.waitFor(new Promise<void>((resolve) => (release = resolve)));
        return "done";
      },
      { name: "pending" },
    );
    assert.equal(work(), "done");
    // The call has its result; its span waits for the pending work. The child ends now, then the work.
    child!.end();
    assert.deepEqual(seen.children, ["late child"]);
    assert.equal(seen.childrenAtClose, -1, "onClose waits for the span to close");
    release();
    await traces.flush();
    const span = traces.get({ name: "pending" });
    assert.equal(span.attributes["test.children_at_close"], 1);
    assert.equal(span.attributes["output.value"], "done");
  });
});
