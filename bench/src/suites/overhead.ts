import { createRequire } from "node:module";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { trace } from "@opentelemetry/api";
import { OpenInferenceSpanKind } from "@arizeai/openinference-semantic-conventions";
import { observe as oiObserve, traceChain } from "@arizeai/openinference-core";
import { observe as langfuseObserve } from "@langfuse/tracing";
import { chain } from "@calltree/chain";
import { useTracerProvider } from "@calltree/core/sdk";
import type { DualMethodDecorator } from "@calltree/core";
import { before } from "../before.js";
import { handAsync, handSync, site, textInput, textOutput, tightAsync, tightSync } from "../hand.js";
import type { Attributes } from "@opentelemetry/api";
import { coldCaches } from "../harness.js";
import type { Group, Row } from "../harness.js";
import { setUpTraceloop } from "../peers.js";

/** The argument of every trivial call. */
export const QUESTION = "What is the capital of France?";
const NUMBER = 42;
const SPAN_NAME = "Service.run";

/**
 * Anything a row computes goes here, so no call can be optimized away: exported, so the writes are observable.
 * @public
 */
export let sink: unknown;

// The CommonJS build of calltree, as a `require()`ing app gets it (it shares its state with the ESM build through
// globalThis, so useTracerProvider() reaches it).
const requireCjs = createRequire(import.meta.url);
const cjsChain = (requireCjs("@calltree/chain") as typeof import("@calltree/chain")).chain;


class Plain {
  run(q: string): string {
    return q;
  }
  async runAsync(q: string): Promise<string> {
    return q;
  }
  runNumber(q: number): number {
    return q;
  }
  async runNumberAsync(q: number): Promise<number> {
    return q;
  }
}

function decorated(dec: DualMethodDecorator) {
  class Service {
    @dec
    run(q: string): string {
      return q;
    }
    @dec
    async runAsync(q: string): Promise<string> {
      return q;
    }
    @dec
    runNumber(q: number): number {
      return q;
    }
    @dec
    async runNumberAsync(q: number): Promise<number> {
      return q;
    }
  }
  return new Service();
}

class OiService {
  @oiObserve()
  run(q: string): string {
    return q;
  }
  @oiObserve()
  async runAsync(q: string): Promise<string> {
    return q;
  }
}

const TASK = { name: SPAN_NAME };

/** What varies between the overhead groups. */
interface Condition {
  shape: "sync" | "async";
  /** Which build of calltree the decorated class uses. */
  build: "esm" | "cjs";
  arg: "string" | "number";
  /** calltree's tracer from useTracerProvider() (as register() does), or from the OpenTelemetry global provider. */
  provider: "own" | "global";
  /** The awaited loop lets the event loop turn every 16 calls (batch exports then run inside the timed code). */
  turns: boolean;
  peers: boolean;
}

// A row's loop. Sync rows loop; async rows await each call, and with `turns` let the event loop turn every 16 calls.
function loop<A>(c: Condition, fn: (a: A) => unknown, a: A): Row["run"] {
  if (c.shape === "sync") return (n) => { for (let i = 0; i < n; i++) sink = fn(a); };
  if (!c.turns) return async (n) => { for (let i = 0; i < n; i++) sink = await fn(a); };
  return async (n) => {
    for (let i = 0; i < n; i++) {
      sink = await fn(a);
      if ((i & 15) === 15) await yieldToLoop();
    }
  };
}

async function rows(c: Condition): Promise<Row[]> {
  if (c.provider === "global") useTracerProvider(undefined);
  const tracer = trace.getTracer("bench-raw");
  const plain = new Plain();
  const service = decorated(c.build === "cjs" ? cjsChain : chain);
  const CHAIN = OpenInferenceSpanKind.CHAIN;
  const isSync = c.shape === "sync";
  const num = c.arg === "number";
  const arg: string | number = num ? NUMBER : QUESTION;
  type F = (a: never) => unknown;
  const plainFn: F = (isSync ? (num ? (q: number) => plain.runNumber(q) : (q: string) => plain.run(q)) : num ? (q: number) => plain.runNumberAsync(q) : (q: string) => plain.runAsync(q)) as F;
  const calltreeFn: F = (isSync ? (num ? (q: number) => service.runNumber(q) : (q: string) => service.run(q)) : num ? (q: number) => service.runNumberAsync(q) : (q: string) => service.runAsync(q)) as F;
  const bare: F = (isSync
    ? (q: never) => tracer.startActiveSpan(SPAN_NAME, (span) => { try { return (plainFn as (a: unknown) => unknown)(q); } finally { span.end(); } })
    : (q: never) => tracer.startActiveSpan(SPAN_NAME, async (span) => { try { return await (plainFn as (a: unknown) => Promise<unknown>)(q); } finally { span.end(); } })) as F;
  const oldStart = num ? (a: number): Attributes => ({ ...textInput(CHAIN)(String(a)), "input.mime_type": "application/json" }) : textInput(CHAIN);
  const oldEnd = num ? (r: number): Attributes => ({ ...textOutput(String(r)), "output.mime_type": "application/json" }) : textOutput;
  const old: F = (isSync
    ? handSync(tracer, SPAN_NAME, oldStart as (a: unknown) => Attributes, plainFn as (a: unknown) => unknown, oldEnd as (r: unknown) => Attributes)
    : handAsync(tracer, SPAN_NAME, oldStart as (a: unknown) => Attributes, plainFn as (a: unknown) => Promise<unknown>, oldEnd as (r: unknown) => Attributes)) as F;
  // The reference's span has the decorated method's name, as calltree names it.
  const method = `run${num ? "Number" : ""}${isSync ? "" : "Async"}`;
  const tightName = `Service.${method}`;
  const code = site(method);
  const tight: F = (isSync
    ? tightSync(tracer, tightName, CHAIN, code, plainFn as (a: unknown) => unknown)
    : tightAsync(tracer, tightName, CHAIN, code, plainFn as (a: unknown) => Promise<unknown>)) as F;
  const out: Row[] = [
    { id: "undecorated", label: "undecorated method", spansPerCall: 0, run: loop(c, plainFn, arg as never) },
    { id: "otel-bare", label: "raw startActiveSpan + end()", spansPerCall: 1, run: loop(c, bare, arg as never) },
    {
      id: "otel-5-attributes",
      label: "old reference: attributes as objects in the options and setAttributes({...}), no code.*",
      spansPerCall: 1,
      run: loop(c, old, arg as never),
    },
    {
      id: "otel-tight",
      label: "by hand, tight: setAttribute × 9 (kind, input, output, MIME types, 4 code.*), keys in constants (reference)",
      spansPerCall: 1,
      run: loop(c, tight, arg as never),
    },
    { id: "calltree", label: `calltree @chain${c.build === "cjs" ? " (CommonJS build)" : ""}`, spansPerCall: 1, run: loop(c, calltreeFn, arg as never) },
  ];
  if (before !== undefined) {
    const old = decorated(c.build === "cjs" ? before.chainCjs : before.chain);
    const oldFn: F = (isSync ? (num ? (q: number) => old.runNumber(q) : (q: string) => old.run(q)) : num ? (q: number) => old.runNumberAsync(q) : (q: string) => old.runAsync(q)) as F;
    out.push({ id: "calltree-before", label: `calltree @chain, the --before build`, spansPerCall: 1, run: loop(c, oldFn, arg as never) });
  }
  if (!c.peers) return out;
  const withTask = await setUpTraceloop();
  const oiService = new OiService();
  const plainRun = isSync ? (q: string) => plain.run(q) : (q: string) => plain.runAsync(q);
  const oiChain = traceChain(function run(q: string) {
    return plainRun(q);
  }, { name: SPAN_NAME });
  const lf = langfuseObserve(function run(q: string) {
    return plainRun(q);
  }, { name: SPAN_NAME, asType: "chain" });
  const oiObs = isSync ? (q: string) => oiService.run(q) : (q: string) => oiService.runAsync(q);
  const tl = (q: string) => withTask(TASK, plainRun, q);
  out.push(
    { id: "oi-trace-chain", label: "openinference-core traceChain", spansPerCall: 1, run: loop(c, oiChain, QUESTION) },
    { id: "oi-observe", label: "openinference-core @observe", spansPerCall: 1, run: loop(c, oiObs, QUESTION) },
    { id: "langfuse-observe", label: "Langfuse observe", spansPerCall: 1, run: loop(c, lf, QUESTION) },
    {
      id: "traceloop-with-task",
      label: "Traceloop withTask",
      ...(isSync ? { note: "returns a Promise, not awaited here" } : {}),
      spansPerCall: 1,
      run: loop(c, tl, QUESTION),
    },
  );
  return out;
}

const BASE: Condition = { shape: "async", build: "esm", arg: "string", provider: "own", turns: false, peers: false };

/**
 * Per-call overhead of a trivial method: the main groups (sync and async; Batch and Simple processors; tracing
 * off), with the peers, and one group per other condition a user's code creates (global provider, CommonJS build,
 * number arguments, an awaited loop that lets the event loop turn), each against the tight hand-written reference.
 */
export function overheadGroups(): Group[] {
  const groups: Group[] = [];
  const group = (id: string, title: string, c: Condition, tracing: Group["tracing"], short: boolean): Group => ({
    id,
    title,
    tracing,
    unit: "call",
    opsPerCall: 1,
    reference: tracing === "off" ? "otel-bare" : "otel-tight",
    maxCallsPerSample: c.shape === "sync" ? (tracing === "off" ? 1_000_000 : 1024) : 100_000,
    rows: () => rows(c),
    short,
    ...(tracing === "off" ? { notes: ["Reference: raw startActiveSpan + end() on OpenTelemetry's no-op tracer."] } : {}),
  });
  for (const shape of ["sync", "async"] as const) {
    const c: Condition = { ...BASE, shape, peers: true };
    groups.push(group(`overhead.${shape}.batch`, `Trivial ${shape} method, tracing on, BatchSpanProcessor → discarding exporter`, c, "batch", false));
    groups.push(group(`overhead.${shape}.simple`, `Trivial ${shape} method, tracing on, SimpleSpanProcessor → discarding exporter`, c, "simple", false));
    groups.push(group(`overhead.${shape}.off`, `Trivial ${shape} method, tracing off (no provider, no context manager registered)`, c, "off", false));
  }
  for (const shape of ["sync", "async"] as const) {
    const c: Condition = { ...BASE, shape };
    groups.push(group(`overhead.${shape}.global`, `Trivial ${shape} method, calltree on the global provider (no useTracerProvider), Batch`, { ...c, provider: "global" }, "batch", true));
    groups.push(group(`overhead.${shape}.cjs`, `Trivial ${shape} method, calltree's CommonJS build, Batch`, { ...c, build: "cjs" }, "batch", true));
    groups.push(group(`overhead.${shape}.number`, `Trivial ${shape} method taking and returning a number, Batch`, { ...c, arg: "number" }, "batch", true));
  }
  groups.push(group("overhead.async.turns", "Trivial async method, awaited loop letting the event loop turn every 16 calls, Batch", { ...BASE, turns: true }, "batch", true));
  groups.push({
    ...group("overhead.async.cold", "Trivial async method, one call at a time after other work (an 8 MiB sweep: caches cold), Batch", BASE, "batch", true),
    between: coldCaches,
  });
  return groups;
}
