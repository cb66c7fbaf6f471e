// Property: a decorated function behaves exactly like the undecorated one. Generated programs (sync, async,
// generator and async-generator bodies that log, call nested functions, await, yield, and return or throw
// generated values, including non-Error throwables, undefined and never-settling thenables) are run plain and
// traced; results and errors must be the very same values, the logs the same steps in the same order, sync must
// stay sync, and every decorated call must leave exactly one finished span, all in one trace.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { chain } from "@calltree/chain";
import { resetCapture } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import type { CapturedTraces } from "@calltree/testing";
import { anyValue, materialize } from "./support/hostile.js";
import { actionsArb, build, materializeProgram, programArb } from "./support/programs.js";
import type { Action, Outcome, Program, Recorder, Shape } from "./support/programs.js";
import { params } from "./support/seed.js";

let traces: CapturedTraces;
before(() => {
  resetCapture();
  traces = captureTraces();
});
after(() => traces.restore());

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));
const PENDING = Symbol("pending");

interface Run {
  rec: Recorder;
  outcomes: Outcome[];
  /** The first thing the call returned, for the sync-stays-sync and Promise-class checks. */
  returned: unknown;
}

function newRecorder(): Recorder {
  return { log: [], seen: [], decoratedCalls: 0, openGenerators: 0 };
}

async function settle(p: Promise<unknown>, hangs: boolean): Promise<Outcome> {
  const outcome = p.then(
    (value): Outcome => ({ kind: "value", value }),
    (value): Outcome => ({ kind: "error", value }),
  );
  if (!hangs) return outcome;
  // A program that may never settle is given turns of the event loop, not time: its steps wait only for
  // setImmediate and microtasks, so each turn moves it (plain or traced alike) by one macrotask step, however slow
  // the machine. A program has at most a few dozen such steps, nested calls included; 256 turns leave it done.
  // (A 40 ms timer here once cut a traced run short on a loaded machine: its last steps had not run yet.)
  let settled = false;
  const done = outcome.then((o) => {
    settled = true;
    return o;
  });
  const turns = (async (): Promise<Outcome> => {
    for (let i = 0; i < HANG_TURNS && !settled; i++) await macrotask();
    return { kind: "value", value: PENDING };
  })();
  return Promise.race([done, turns]);
}

const HANG_TURNS = 256;

async function run(program: Program, traced: boolean, thisArg: unknown, args: unknown[], actions: Action[]): Promise<Run> {
  const rec = newRecorder();
  const fn = build(program, traced, rec);
  const outcomes: Outcome[] = [];
  let returned: unknown;
  const shape: Shape = program.shape;
  if (shape === "sync") {
    try {
      returned = fn.apply(thisArg, args);
      outcomes.push({ kind: "value", value: returned });
    } catch (e) {
      outcomes.push({ kind: "error", value: e });
    }
  } else if (shape === "async") {
    returned = fn.apply(thisArg, args);
    outcomes.push(await settle(returned as Promise<unknown>, program.end.kind === "hang"));
  } else {
    const it = fn.apply(thisArg, args) as Generator | AsyncGenerator;
    returned = it;
    for (const action of [...actions, { kind: "return" as const, value: undefined }]) {
      try {
        const r = await (it[action.kind] as (v: unknown) => IteratorResult<unknown> | Promise<IteratorResult<unknown>>).call(it, action.value);
        outcomes.push({ kind: "value", value: r.value, done: r.done ?? false });
      } catch (e) {
        outcomes.push({ kind: "error", value: e });
      }
    }
  }
  return { rec, outcomes, returned };
}

function describeValue(v: unknown): string {
  try {
    return typeof v === "symbol" ? v.toString() : typeof v === "object" && v !== null ? Object.prototype.toString.call(v) : String(v);
  } catch {
    return typeof v;
  }
}

function assertSameBehaviour(plain: Run, traced: Run): void {
  assert.deepEqual(traced.rec.log, plain.rec.log, "the same steps, in the same order");
  assert.equal(traced.rec.seen.length, plain.rec.seen.length);
  traced.rec.seen.forEach((v, i) => assert.ok(Object.is(v, plain.rec.seen[i]), `the same value #${i} (this, an argument, or a value passed between calls)`));
  assert.equal(traced.outcomes.length, plain.outcomes.length);
  traced.outcomes.forEach((o, i) => {
    const p = plain.outcomes[i]!;
    assert.equal(o.kind, p.kind, `outcome #${i}: ${o.kind} (${describeValue(o.value)}) vs ${p.kind} (${describeValue(p.value)})`);
    assert.ok(Object.is(o.value, p.value), `outcome #${i}: the very same ${o.kind === "error" ? "error" : "value"} (${describeValue(o.value)} vs ${describeValue(p.value)})`);
    assert.equal(o.done, p.done, `outcome #${i}: done`);
  });
}

async function assertSpans(traced: Run, program: Program): Promise<void> {
  await macrotask();
  if (program.end.kind === "hang") return;
  const spans = traces.spans;
  // A generator left suspended forever ends its span only when collected, which may or may not have happened.
  const open = traced.rec.openGenerators;
  assert.ok(
    spans.length >= traced.rec.decoratedCalls - open && spans.length <= traced.rec.decoratedCalls,
    `one finished span per decorated call (${traced.rec.decoratedCalls}, ${open} left suspended), got ${spans.length}:\n${traces.shape()}`,
  );
  const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
  assert.equal(traceIds.size, 1, `one trace:\n${traces.shape()}`);
  assert.equal(spans.filter((s) => s.parentSpanContext === undefined).length, 1, "one root");
}

function property(shape: Shape, depth: number) {
  const awaitable = shape !== "sync";
  return fc.asyncProperty(
    programArb(shape, depth, { hang: shape === "async" }),
    // `this === undefined` has its own test below (a known difference); the property covers every other receiver.
    anyValue({ maxDepth: 1 }).filter((r) => !("plain" in r && r.plain === undefined)),
    fc.array(anyValue({ maxDepth: 1 }), { maxLength: 3 }),
    actionsArb(awaitable),
    async (programRecipe, thisRecipe, argRecipes, actionRecipes) => {
      const program = materializeProgram(programRecipe);
      const thisArg = materialize(thisRecipe);
      const args = argRecipes.map(materialize);
      const actions = actionRecipes.map((a) => ({ kind: a.kind, value: materialize(a.value) }));
      traces.reset();
      const plain = await run(program, false, thisArg, args, actions);
      const traced = await run(program, true, thisArg, args, actions);
      assertSameBehaviour(plain, traced);
      if (shape === "sync") {
        // Sync stays sync: the traced call returned (or threw) at once, and the very same value.
        assert.ok(Object.is(traced.returned, plain.returned));
      } else if (shape === "async") {
        assert.equal(Object.getPrototypeOf(traced.returned), Promise.prototype, "a native Promise");
      } else {
        assert.equal(typeof (traced.returned as Iterator<unknown>).next, "function");
        assert.equal(Object.prototype.toString.call(traced.returned), Object.prototype.toString.call(plain.returned));
      }
      await assertSpans(traced, program);
    },
  );
}

describe("a decorated function behaves exactly like the undecorated one", () => {
  test("sync functions", async (t) => {
    const p = params<unknown>(600);
    t.diagnostic(`${p.numRuns} generated programs`);
    await fc.assert(property("sync", 3), p);
  });

  test("async functions (including ones that never settle)", async (t) => {
    const p = params<unknown>(300);
    t.diagnostic(`${p.numRuns} generated programs`);
    await fc.assert(property("async", 2), p);
  });

  test("generator functions, consumed by generated next/return/throw calls", async (t) => {
    const p = params<unknown>(1000);
    t.diagnostic(`${p.numRuns} generated programs`);
    await fc.assert(property("generator", 2), p);
  });

  test("async generator functions, consumed by generated next/return/throw calls", async (t) => {
    const p = params<unknown>(800);
    t.diagnostic(`${p.numRuns} generated programs`);
    await fc.assert(property("asyncGenerator", 2), p);
  });
});

describe("wrapping: cases the generator does not produce", () => {
  test("a sync function returning a native Promise gets a native Promise settling the same way", async () => {
    traces.reset();
    const value = { v: 1 };
    const error = new Error("rejected");
    const ok = chain.wrap(function ok() { return Promise.resolve(value); });
    const bad = chain.wrap(function bad() { return Promise.reject(error); });
    const p = ok();
    assert.equal(Object.getPrototypeOf(p), Promise.prototype);
    assert.equal(await p, value);
    const q = bad();
    assert.equal(Object.getPrototypeOf(q), Promise.prototype);
    await assert.rejects(q, (e) => e === error);
    assert.equal(traces.spans.length, 2);
  });

  test("a sync function returning a never-settling thenable returns that very object, synchronously", () => {
    traces.reset();
    const thenable = { then() {} };
    const f = chain.wrap(function f() { return thenable; });
    assert.equal(f(), thenable);
    assert.equal(traces.spans.length, 1);
  });

  test("an async function awaiting a never-settling thenable stays pending, like the plain one", async () => {
    traces.reset();
    const never: PromiseLike<void> = { then() { return never as never; } };
    const plain = async () => { await never; return 1; };
    const traced = chain.wrap(plain);
    const seen: string[] = [];
    void plain().then(() => seen.push("plain"));
    void traced().then(() => seen.push("traced"));
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(seen, []);
    assert.equal(traces.spans.length, 0, "the span stays open while the call is pending");
  });

  test("a function called without a receiver sees `this === undefined`, as it does undecorated", async () => {
    // Reproduction: strict code called as `f()` has `this === undefined`; decorated, it sees `null`, because the
    // engine runs it through `context.with(ctx, fn, thisArg)`, which AsyncLocalStorage applies with `null`.
    traces.reset();
    const seen: unknown[] = [];
    function plain(this: unknown) { seen.push(this); }
    async function plainAsync(this: unknown) { seen.push(this); }
    const traced = chain.wrap(plain);
    const tracedAsync = chain.wrap(plainAsync);
    plain();
    traced();
    await plainAsync();
    await tracedAsync();
    assert.deepEqual(seen, [undefined, undefined, undefined, undefined]);
  });

  test("throwing undefined, null, a symbol, a string: the same value reaches the caller", async () => {
    traces.reset();
    for (const value of [undefined, null, Symbol("s"), "text", 0, false]) {
      const f = chain.wrap(function f() { throw value; });
      assert.throws(() => f(), (e) => Object.is(e, value));
      const g = chain.wrap(async function g() { throw value; });
      await assert.rejects(g(), (e) => Object.is(e, value));
    }
    assert.equal(traces.spans.length, 12);
    for (const s of traces.spans) assert.equal(s.status.code, 2);
  });
});
