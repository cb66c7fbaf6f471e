// Generated programs: a function of one of the four shapes that logs steps, calls nested functions (decorated
// or not), awaits, yields and finally returns or throws a generated value. The same program is built twice,
// once plain and once with every function decorated as the program says, and both runs must behave alike.
import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import { chain } from "@calltree/chain";
import { anyValue, materialize, throwable } from "./hostile.js";
import type { Recipe } from "./hostile.js";

export type Shape = "sync" | "async" | "generator" | "asyncGenerator";

/** A program step; `V` is a value's {@link Recipe} while generated, the value itself once materialized. */
type Step<V = unknown> =
  | { kind: "log" }
  | { kind: "call"; program: Program<V>; catchIt: boolean }
  | { kind: "await"; how: "micro" | "macro" | "value" }
  | { kind: "yield"; value: V }
  | { kind: "delegate"; program: Program<V> };

type End<V = unknown> = { kind: "return"; value: V } | { kind: "throw"; value: V } | { kind: "hang" };

export interface Program<V = unknown> {
  shape: Shape;
  decorated: boolean;
  steps: Step<V>[];
  end: End<V>;
}

/** The program with every value built from its recipe (once: both runs must share the very same values). */
export function materializeProgram(p: Program<Recipe>): Program {
  const steps = p.steps.map((s): Step => {
    switch (s.kind) {
      case "yield":
        return { kind: "yield", value: materialize(s.value) };
      case "call":
        return { kind: "call", program: materializeProgram(s.program), catchIt: s.catchIt };
      case "delegate":
        return { kind: "delegate", program: materializeProgram(s.program) };
      default:
        return s;
    }
  });
  const end: End = p.end.kind === "hang" ? p.end : { kind: p.end.kind, value: materialize(p.end.value) };
  return { shape: p.shape, decorated: p.decorated, steps, end };
}

const isAsync = (s: Shape) => s === "async" || s === "asyncGenerator";
const isGenerator = (s: Shape) => s === "generator" || s === "asyncGenerator";

/**
 * A program of `shape`, with nested calls up to `depth` levels down. `hang` allows a never-settling end.
 * Inside an async body every value may end up awaited (an async arrow returning it, `yield*` from an async
 * generator), so there, and below, values are limited to those that can be awaited repeatably.
 */
export function programArb(shape: Shape, depth: number, options: { hang?: boolean; awaitable?: boolean } = {}): Arbitrary<Program<Recipe>> {
  const asyncBody = isAsync(shape);
  const awaitable = options.awaitable === true || asyncBody;
  const child = { awaitable };
  const steps: Array<Arbitrary<Step<Recipe>>> = [fc.constant<Step<Recipe>>({ kind: "log" })];
  if (depth > 0) {
    // Sync functions can be called from anywhere; async ones are awaited, so only from async bodies.
    steps.push(fc.record({ kind: fc.constant("call" as const), program: programArb("sync", depth - 1, child), catchIt: fc.boolean() }));
    if (asyncBody) {
      steps.push(fc.record({ kind: fc.constant("call" as const), program: programArb("async", depth - 1, child), catchIt: fc.boolean() }));
    }
    if (shape === "generator" || shape === "asyncGenerator") {
      steps.push(fc.record({ kind: fc.constant("delegate" as const), program: programArb("generator", depth - 1, child) }));
    }
    if (shape === "asyncGenerator") {
      steps.push(fc.record({ kind: fc.constant("delegate" as const), program: programArb("asyncGenerator", depth - 1, child) }));
    }
  }
  if (asyncBody) {
    steps.push(
      fc.record({ kind: fc.constant("await" as const), how: fc.constantFrom<"micro" | "macro" | "value">("micro", "micro", "value", "macro") }),
    );
  }
  if (isGenerator(shape)) {
    steps.push(fc.record({ kind: fc.constant("yield" as const), value: anyValue({ awaitable, maxDepth: 2 }) }));
  }
  const ends: Array<Arbitrary<End<Recipe>>> = [
    fc.record({ kind: fc.constant("return" as const), value: anyValue({ awaitable, maxDepth: 2 }) }),
    fc.record({ kind: fc.constant("throw" as const), value: throwable({ awaitable }) }),
  ];
  if (options.hang === true && shape === "async") ends.push(fc.constant<End<Recipe>>({ kind: "hang" }));
  return fc.record({
    shape: fc.constant(shape),
    decorated: fc.boolean(),
    steps: fc.array(fc.oneof(...steps), { maxLength: 6 }),
    end: fc.oneof(...ends),
  });
}

/** What one build of a program records. */
export interface Recorder {
  log: string[];
  /** `this` and arguments seen by the top-level function, for identity checks. */
  seen: unknown[];
  /** Calls of decorated functions (each must produce exactly one span). */
  decoratedCalls: number;
  /**
   * Decorated generators whose body started and never finished (neither returned, threw nor was closed): their
   * span can only end when the generator is collected. Node 20's async-from-sync iterator leaves a delegated
   * sync generator suspended like this when a value it yields is a rejecting thenable, plain or traced alike.
   */
  openGenerators: number;
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Builds `program` as a function. With `traced`, each function whose program is `decorated` (and the top-level
 * one always) is wrapped with `chain.wrap`; otherwise nothing is.
 */
export function build(program: Program, traced: boolean, rec: Recorder, label = "f", top = true): (...args: unknown[]) => unknown {
  const nestedFns = program.steps.map((step, i) =>
    step.kind === "call" || step.kind === "delegate" ? build(step.program, traced, rec, `${label}.${i}`, false) : undefined,
  );
  const { steps, end } = program;
  const note = (s: string) => rec.log.push(`${label}:${s}`);
  const counted = traced && (top || program.decorated) && (program.shape === "generator" || program.shape === "asyncGenerator");
  const opened = () => { if (counted) rec.openGenerators++; };
  const closed = () => { if (counted) rec.openGenerators--; };
  // Values that cross a call boundary inside the program are kept for identity checks, not just logged.
  const got = (what: string, v: unknown) => {
    note(`${what}:${typeof v}`);
    rec.seen.push(v);
  };
  const enter = (self: unknown, args: unknown[]) => {
    note("enter");
    if (top) rec.seen.push(self, ...args);
  };
  let fn: (...args: unknown[]) => unknown;
  switch (program.shape) {
    case "sync":
      fn = function (this: unknown, ...args: unknown[]) {
        enter(this, args);
        for (let i = 0; i < steps.length; i++) {
          const step = steps[i]!;
          if (step.kind === "log") note(`step${i}`);
          else if (step.kind === "call") {
            if (step.catchIt) {
              try {
                got(`ret${i}`, nestedFns[i]!());
              } catch (e) {
                got(`caught${i}`, e);
              }
            } else got(`ret${i}`, nestedFns[i]!());
          }
        }
        note("exit");
        if (end.kind === "throw") throw end.value;
        return end.kind === "return" ? end.value : undefined;
      };
      break;
    case "async":
      fn = async function (this: unknown, ...args: unknown[]) {
        enter(this, args);
        for (let i = 0; i < steps.length; i++) {
          const step = steps[i]!;
          if (step.kind === "log") note(`step${i}`);
          else if (step.kind === "await") {
            if (step.how === "micro") await Promise.resolve();
            else if (step.how === "macro") await macrotask();
            else await i;
            note(`resumed${i}`);
          } else if (step.kind === "call") {
            const call = async () => {
              const r = nestedFns[i]!();
              return step.program.shape === "async" ? await r : r;
            };
            if (step.catchIt) {
              try {
                got(`ret${i}`, await call());
              } catch (e) {
                got(`caught${i}`, e);
              }
            } else got(`ret${i}`, await call());
          }
        }
        note("exit");
        if (end.kind === "throw") throw end.value;
        if (end.kind === "hang") await new Promise(() => {});
        return end.kind === "return" ? end.value : undefined;
      };
      break;
    case "generator":
      fn = function* (this: unknown, ...args: unknown[]): Generator<unknown, unknown, unknown> {
        enter(this, args);
        opened();
        try {
          for (let i = 0; i < steps.length; i++) {
            const step = steps[i]!;
            if (step.kind === "log") note(`step${i}`);
            else if (step.kind === "yield") got(`sent${i}`, yield step.value);
            else if (step.kind === "delegate") got(`delegated${i}`, yield* nestedFns[i]!() as Generator);
            else if (step.kind === "call") {
              if (step.catchIt) {
                try {
                  got(`ret${i}`, nestedFns[i]!());
                } catch (e) {
                  got(`caught${i}`, e);
                }
              } else got(`ret${i}`, nestedFns[i]!());
            }
          }
          note("exit");
          if (end.kind === "throw") throw end.value;
          return end.kind === "return" ? end.value : undefined;
        } finally {
          closed();
        }
      };
      break;
    case "asyncGenerator":
      fn = async function* (this: unknown, ...args: unknown[]): AsyncGenerator<unknown, unknown, unknown> {
        enter(this, args);
        opened();
        try {
          for (let i = 0; i < steps.length; i++) {
            const step = steps[i]!;
            if (step.kind === "log") note(`step${i}`);
            else if (step.kind === "yield") got(`sent${i}`, yield step.value);
            else if (step.kind === "await") {
              if (step.how === "micro") await Promise.resolve();
              else if (step.how === "macro") await macrotask();
              else await i;
              note(`resumed${i}`);
            } else if (step.kind === "delegate") {
              const inner = nestedFns[i]!() as Generator | AsyncGenerator;
              got(`delegated${i}`, yield* inner);
            } else if (step.kind === "call") {
              const call = async () => {
                const r = nestedFns[i]!();
                return step.program.shape === "async" ? await r : r;
              };
              if (step.catchIt) {
                try {
                  got(`ret${i}`, await call());
                } catch (e) {
                  got(`caught${i}`, e);
                }
              } else got(`ret${i}`, await call());
            }
          }
          note("exit");
          if (end.kind === "throw") throw end.value;
          return end.kind === "return" ? end.value : undefined;
        } finally {
          closed();
        }
      };
      break;
  }
  if (!traced || !(top || program.decorated)) return fn;
  const wrapped = chain.wrap(fn, { name: label });
  return function (this: unknown, ...args: unknown[]) {
    rec.decoratedCalls++;
    return wrapped.apply(this, args);
  };
}

/** A plan for consuming a generator: what to send, in order; whatever is left open is closed with `return()`. */
export type Action<V = unknown> = { kind: "next" | "return" | "throw"; value: V };

export function actionsArb(awaitable: boolean): Arbitrary<Action<Recipe>[]> {
  return fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant("next" as const), value: anyValue({ awaitable, maxDepth: 1 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("return" as const), value: anyValue({ awaitable, maxDepth: 1 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("throw" as const), value: throwable() }) },
    ),
    { maxLength: 10 },
  );
}

/** One observable event of a run: a result or an error, with the value kept for identity checks. */
export type Outcome = { kind: "value" | "error"; value: unknown; done?: boolean };
