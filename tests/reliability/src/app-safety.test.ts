// Property: tracing never changes the app, for methods the way apps really write them. Generated methods are
// decorated with a calltree kind stacked among other decorators (own properties, reflect-metadata as NestJS
// writes it, wrapping decorators), applied as tsc applies them in standard (TC39) and in legacy
// (experimentalDecorators) mode. They return generated values: plain values, Promises shared with the app,
// async results, Promise subclasses, thenables, byte and default web streams, Node streams, constructors. Their
// inputs and the context around them carry secrets and generated sizes. The plain stack (without calltree) and
// the traced stack must look and behave the same to the app; every span must hold every attribute within the
// limit and no secret.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import "reflect-metadata";
import fc from "fast-check";
import { agent } from "@calltree/agent";
import { chain } from "@calltree/chain";
import { configureCapture, resetCapture, withMetadata, withPromptTemplate, withSession, withTags } from "@calltree/core";
import { evaluator } from "@calltree/evaluator";
import { guardrail } from "@calltree/guardrail";
import { prompt } from "@calltree/prompt";
import { retriever } from "@calltree/retriever";
import { tool } from "@calltree/tool";
import { captureTraces } from "@calltree/testing";
import type { CapturedTraces } from "@calltree/testing";
import { params } from "./support/seed.js";
import { exportedText } from "./support/spans.js";

let traces: CapturedTraces;
before(() => {
  resetCapture();
  traces = captureTraces();
});
after(() => {
  traces.restore();
  resetCapture();
});

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));
const SECRET = "s3cr3t-";
const KINDS = { chain, agent, retriever, prompt, evaluator, guardrail, tool } as const;
type KindName = keyof typeof KINDS;

// ---------------------------------------------------------------------------------------------------------
// Generated inputs: objects, Maps and lists with secrets under secret-looking keys, and generated sizes.

interface PayloadRecipe {
  secret: number;
  text: number;
  items: number;
  mapEntries: number;
}

const payloadArb: fc.Arbitrary<PayloadRecipe> = fc.record({
  secret: fc.nat({ max: 1_000_000 }),
  text: fc.oneof(fc.nat({ max: 50 }), fc.nat({ max: 20_000 })),
  items: fc.oneof(fc.nat({ max: 5 }), fc.nat({ max: 5_000 })),
  mapEntries: fc.oneof(fc.nat({ max: 5 }), fc.nat({ max: 20_000 })),
});

function payload(r: PayloadRecipe, side = "ctx"): Record<string, unknown> {
  const secret = `${SECRET}${r.secret}`;
  const map = new Map<string, unknown>([["token", secret]]);
  for (let i = 0; i < r.mapEntries; i++) map.set(`k${i}`, i);
  return {
    // Says which side of the call the value is: with that side's capture off, it must appear nowhere.
    marker: `${side}-marker`,
    question: "q".repeat(r.text),
    apiKey: secret,
    nested: { db_password: secret, list: Array.from({ length: r.items }, (_, i) => i) },
    headers: new Map([["Authorization", `Bearer ${secret}`]]),
    map,
    // Read by the kinds that look for documents, verdicts and evaluation results.
    documents: [{ id: "d1", content: "c".repeat(r.text), metadata: { password: secret } }],
    passed: true,
    reason: "r".repeat(r.text),
    score: 0.5,
    label: "l".repeat(r.text),
    metadata: { secret },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Generated return values.

type Ret =
  | { t: "value" }
  | { t: "async-value" }
  | { t: "async-throw" }
  | { t: "shared-resolve" }
  | { t: "shared-reject-handled" }
  | { t: "subclass" }
  | { t: "thenable" }
  | { t: "bytes"; chunks: number[][] }
  | { t: "web-default"; chunks: string[] }
  | { t: "node-stream"; chunks: string[] }
  | { t: "constructor" };

const retArb: fc.Arbitrary<Ret> = fc.oneof(
  fc.constant<Ret>({ t: "value" }),
  fc.constant<Ret>({ t: "async-value" }),
  fc.constant<Ret>({ t: "async-throw" }),
  fc.constant<Ret>({ t: "shared-resolve" }),
  fc.constant<Ret>({ t: "shared-reject-handled" }),
  fc.constant<Ret>({ t: "subclass" }),
  fc.constant<Ret>({ t: "thenable" }),
  fc.record({ t: fc.constant("bytes" as const), chunks: fc.array(fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 40 }), { maxLength: 5 }) }),
  fc.record({ t: fc.constant("web-default" as const), chunks: fc.array(fc.string({ minLength: 1 }), { maxLength: 5 }) }),
  fc.record({ t: fc.constant("node-stream" as const), chunks: fc.array(fc.string({ minLength: 1 }), { maxLength: 5 }) }),
  fc.constant<Ret>({ t: "constructor" }),
);

class Fancy<T> extends Promise<T> {
  extra(): string {
    return "extra";
  }
}

const FAILURE = new Error("generated failure");

interface Box {
  created?: unknown;
}

// The method body: returns a fresh value of the generated shape, remembered in `box` for identity checks.
function baseMethod(ret: Ret, value: unknown, box: Box): (...args: unknown[]) => unknown {
  const keep = <T>(v: T): T => ((box.created = v), v);
  switch (ret.t) {
    case "async-value":
      return { async m(..._a: unknown[]) { return value; } }.m;
    case "async-throw":
      return { async m(..._a: unknown[]) { throw FAILURE; } }.m;
    default:
      return {
        m(..._a: unknown[]): unknown {
          switch (ret.t) {
            case "value":
              return keep(value);
            case "shared-resolve":
              return keep(Promise.resolve(value));
            case "shared-reject-handled": {
              const p = Promise.reject(FAILURE);
              p.catch(() => undefined);
              return keep(p);
            }
            case "subclass":
              return keep(new Fancy((resolve) => resolve(value)));
            case "thenable":
              return keep({ then(resolve: (v: unknown) => void) { resolve(value); } });
            case "bytes": {
              const chunks = ret.chunks.map((c) => Uint8Array.from(c));
              return keep(new ReadableStream({
                type: "bytes",
                pull(c) {
                  const next = chunks.shift();
                  if (next === undefined) {
                    c.close();
                    c.byobRequest?.respond(0);
                  } else c.enqueue(next);
                },
              }));
            }
            case "web-default": {
              const chunks = [...ret.chunks];
              return keep(new ReadableStream<string>({
                pull(c) {
                  const next = chunks.shift();
                  if (next === undefined) c.close();
                  else c.enqueue(next);
                },
              }));
            }
            case "node-stream":
              return keep(Readable.from([...ret.chunks]));
            case "constructor":
              return keep(function Made(this: { made: boolean }) { this.made = true; });
          }
          return undefined;
        },
      }.m;
  }
}

// What the app sees when it uses the result the way the value invites.
async function consume(ret: Ret, result: unknown): Promise<{ kind: "value" | "error"; value: unknown }> {
  try {
    switch (ret.t) {
      case "bytes": {
        const reader = (result as ReadableStream<Uint8Array>).getReader({ mode: "byob" });
        const bytes: number[] = [];
        for (;;) {
          const { done, value } = await reader.read(new Uint8Array(16));
          if (done) break;
          bytes.push(...value);
        }
        return { kind: "value", value: JSON.stringify(bytes) };
      }
      case "web-default": {
        const reader = (result as ReadableStream<string>).getReader();
        const got: string[] = [];
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          got.push(value);
        }
        return { kind: "value", value: JSON.stringify(got) };
      }
      case "node-stream": {
        const got: unknown[] = [];
        for await (const chunk of result as Readable) got.push(chunk);
        return { kind: "value", value: JSON.stringify(got) };
      }
      case "constructor": {
        const C = result as new () => { made: boolean };
        const made = new C();
        return { kind: "value", value: `${made.made} ${made instanceof C}` };
      }
      case "subclass":
        return { kind: "value", value: `${(result as Fancy<unknown>).extra()} ${String(await (result as Promise<unknown>) === undefined)}` };
      case "value":
        return { kind: "value", value: result };
      default:
        return { kind: "value", value: await (result as PromiseLike<unknown>) };
    }
  } catch (e) {
    return { kind: "error", value: e };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Other decorators, written once for both modes as libraries write them.

interface Other {
  type: "prop" | "meta" | "wrap";
  id: number;
}

function otherDecorator(o: Other): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const legacy = args.length === 3;
    const fn = (legacy ? (args[2] as PropertyDescriptor).value : args[0]) as Function & Record<symbol, unknown>;
    if (o.type === "prop") fn[Symbol.for(`test.prop.${o.id}`)] = o.id;
    else if (o.type === "meta") Reflect.defineMetadata(`test.meta.${o.id}`, o.id, fn);
    else {
      // A wrapping decorator (logging, caching, guards): a plain function around the method.
      const wrapped = function (this: unknown, ...a: unknown[]) {
        return fn.apply(this, a);
      };
      if (!legacy) return wrapped;
      (args[2] as PropertyDescriptor).value = wrapped;
    }
    return legacy ? args[2] : undefined;
  };
}

type Mode = "standard" | "legacy";

// Applies `decorators` (as written, top to bottom) to method `m` of a new class, as tsc's output does.
function decorateClass(mode: Mode, method: Function, decorators: Array<(...args: unknown[]) => unknown>): { new (): object; prototype: { m: Function } } {
  class Service {}
  const proto = Service.prototype as unknown as Record<string, unknown>;
  if (mode === "legacy") {
    let desc: PropertyDescriptor = { value: method, writable: true, enumerable: false, configurable: true };
    for (let i = decorators.length - 1; i >= 0; i--) desc = (decorators[i]!(proto, "m", desc) as PropertyDescriptor | undefined) ?? desc;
    Object.defineProperty(proto, "m", desc);
  } else {
    const metadata = {};
    let value = method;
    for (let i = decorators.length - 1; i >= 0; i--) {
      const context = {
        kind: "method",
        name: "m",
        static: false,
        private: false,
        metadata,
        addInitializer() {},
        access: { has: (o: object) => "m" in o, get: (o: Record<string, unknown>) => o.m },
      };
      value = (decorators[i]!(value, context) as Function | undefined) ?? value;
    }
    Object.defineProperty(proto, "m", { value, writable: true, enumerable: false, configurable: true });
  }
  return Service as unknown as { new (): object; prototype: { m: Function } };
}

// Checked apart from core's own test (Reflect.construct with fn as new.target): a Proxy can be called with `new`
// exactly when its target can, and its trap answers in fn's place, so fn never runs.
function isConstructor(fn: Function): boolean {
  const probe = new Proxy(fn, { construct: () => ({}) }) as unknown as new () => object;
  try {
    new probe();
    return true;
  } catch {
    return false;
  }
}

function visibleMarks(fn: Function, others: Other[]): string[] {
  const marks: string[] = [];
  for (const o of others) {
    if (o.type === "prop" && (fn as unknown as Record<symbol, unknown>)[Symbol.for(`test.prop.${o.id}`)] === o.id) marks.push(`prop ${o.id}`);
    if (o.type === "meta" && Reflect.getMetadata(`test.meta.${o.id}`, fn) === o.id) marks.push(`meta ${o.id}`);
  }
  return marks;
}

interface Case {
  mode: Mode;
  kind: KindName;
  others: Other[];
  oursAt: number;
  ret: Ret;
  input: PayloadRecipe;
  context: PayloadRecipe;
  limit: number;
  capture: { captureInput?: boolean; captureOutput?: boolean };
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    mode: fc.constantFrom<Mode>("standard", "legacy"),
    kind: fc.constantFrom<KindName>(...(Object.keys(KINDS) as KindName[])),
    others: fc.array(fc.record({ type: fc.constantFrom<Other["type"]>("prop", "meta", "wrap"), id: fc.nat({ max: 1_000 }) }), { maxLength: 4 }),
    oursAt: fc.nat({ max: 4 }),
    ret: retArb,
    input: payloadArb,
    context: payloadArb,
    limit: fc.integer({ min: 128, max: 4_096 }),
    capture: fc.record({ captureInput: fc.boolean(), captureOutput: fc.boolean() }, { requiredKeys: [] }),
  })
  .map((c) => ({ ...c, oursAt: Math.min(c.oursAt, c.others.length) }));

async function runCase(c: Case, traced: boolean) {
  const box: Box = {};
  const input = payload(c.input, "input");
  const value = payload(c.input, "output");
  const decorators = c.others.map(otherDecorator);
  const ours = Object.keys(c.capture).length === 0 ? KINDS[c.kind] : (KINDS[c.kind] as unknown as (o: object) => unknown)(c.capture);
  if (traced) decorators.splice(c.oursAt, 0, ours as unknown as (...args: unknown[]) => unknown);
  const Service = decorateClass(c.mode, baseMethod(c.ret, value, box), decorators);
  const method = Service.prototype.m;
  const ctx = payload(c.context);
  const secret = `${SECRET}${c.context.secret}`;
  const returned = withSession(String(ctx.question), () =>
    withTags([String(ctx.question), "t"], () =>
      withMetadata({ password: secret, note: ctx.question }, () =>
        withPromptTemplate({ template: String(ctx.question), variables: { api_key: secret, text: ctx.question } }, () =>
          (method as (...a: unknown[]) => unknown).call(new Service(), input),
        ),
      ),
    ),
  );
  const outcome = await consume(c.ret, returned);
  return { method, returned, box, value, outcome };
}

describe("a decorated method looks and behaves the same to the app, stacked with other decorators", () => {
  test("generated stacks, return values and inputs: same behaviour, bounded attributes, no secret on any span", async (t) => {
    const p = params<[Case]>(150);
    t.diagnostic(`${p.numRuns} generated cases`);
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        configureCapture({ maxValueLength: c.limit });
        traces.reset();
        const plain = await runCase(c, false);
        const traced = await runCase(c, true);

        // The method: what other decorators put on it, its name, length and constructibility.
        assert.deepEqual(visibleMarks(traced.method, c.others), visibleMarks(plain.method, c.others), "markers of other decorators");
        assert.equal(traced.method.name, plain.method.name);
        assert.equal(traced.method.length, plain.method.length);
        assert.equal(isConstructor(traced.method), isConstructor(plain.method), "constructible exactly when the plain method is");

        // The result: same class, the very object where the function made one, the same outcome.
        assert.equal(Object.getPrototypeOf(traced.returned), Object.getPrototypeOf(plain.returned), `the same class (${c.ret.t})`);
        if (!["async-value", "async-throw", "bytes", "web-default"].includes(c.ret.t)) {
          assert.ok(Object.is(traced.returned, traced.box.created), `the very object the method returned (${c.ret.t})`);
        }
        assert.equal(traced.outcome.kind, plain.outcome.kind);
        if (c.ret.t === "value" || c.ret.t === "shared-resolve" || c.ret.t === "thenable" || c.ret.t === "async-value") {
          assert.ok(Object.is(traced.outcome.value, traced.value), "the same value");
          assert.ok(Object.is(plain.outcome.value, plain.value));
        } else {
          assert.ok(Object.is(traced.outcome.value, plain.outcome.value) || traced.outcome.value === plain.outcome.value, `the same outcome: ${String(traced.outcome.value)} vs ${String(plain.outcome.value)}`);
        }

        // The spans: one per traced call, every attribute within the limit, no secret anywhere.
        await macrotask();
        assert.equal(traces.spans.length, 1, traces.shape());
        for (const span of traces.spans) {
          for (const [key, v] of Object.entries(span.attributes)) {
            if (typeof v === "string") assert.ok(v.length <= c.limit, `${key} is ${v.length} long, limit ${c.limit}`);
            if (Array.isArray(v)) {
              const total = v.reduce((n: number, x) => n + String(x).length, 0);
              assert.ok(total <= c.limit, `${key} holds ${total} characters, limit ${c.limit}`);
            }
          }
          assert.ok(!exportedText(span).includes(SECRET), `a secret on the span:\n${exportedText(span).slice(0, 2_000)}`);
          if (c.capture.captureInput === false) assert.ok(!exportedText(span).includes("input-marker"), `input on the span:\n${exportedText(span).slice(0, 2_000)}`);
          if (c.capture.captureOutput === false) assert.ok(!exportedText(span).includes("output-marker"), `output on the span:\n${exportedText(span).slice(0, 2_000)}`);
        }
      }),
      p,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// kind.wrap(fn) and `new`, for generated function shapes.

type FnShape = "function" | "arrow" | "method" | "async" | "generator" | "bound";

function makeFn(shape: FnShape, seen: unknown[]): Function {
  switch (shape) {
    case "function":
      return function Maker(this: Record<string, unknown>, x: unknown) {
        seen.push(new.target);
        if (new.target !== undefined) this.x = x;
        return new.target === undefined ? x : undefined;
      };
    case "bound": {
      const f = function Bound(this: Record<string, unknown>, x: unknown) {
        seen.push(new.target);
        if (new.target !== undefined) this.x = x;
        return new.target === undefined ? x : undefined;
      };
      return f.bind({});
    }
    case "arrow":
      return (x: unknown) => x;
    case "method":
      return { m(x: unknown) { return x; } }.m;
    case "async":
      return async (x: unknown) => x;
    case "generator":
      return function* gen(x: unknown) { yield x; };
  }
}

function tryNew(fn: Function, arg: unknown): { ok: boolean; proto?: unknown; x?: unknown; error?: string } {
  try {
    const made = Reflect.construct(fn, [arg]) as Record<string, unknown>;
    return { ok: true, proto: Object.getPrototypeOf(made), x: made.x };
  } catch (e) {
    return { ok: false, error: (e as Error).constructor.name };
  }
}

describe("kind.wrap keeps what `new` does, for every function shape", () => {
  test("constructible exactly when the function is; same prototype, new.target, instanceof; the same TypeError otherwise", async (t) => {
    const p = params<[FnShape, KindName, number]>(120);
    t.diagnostic(`${p.numRuns} generated functions`);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<FnShape>("function", "arrow", "method", "async", "generator", "bound"),
        fc.constantFrom<KindName>("chain", "agent", "tool", "retriever"),
        fc.integer(),
        async (shape, kind, arg) => {
          configureCapture({ maxValueLength: 32_768 });
          const plainSeen: unknown[] = [];
          const tracedSeen: unknown[] = [];
          const plain = makeFn(shape, plainSeen);
          const source = makeFn(shape, tracedSeen);
          const traced = (KINDS[kind] as { wrap(f: Function): Function }).wrap(source);
          assert.equal(isConstructor(traced), isConstructor(plain));
          assert.equal(Object.prototype.hasOwnProperty.call(traced, "prototype"), Object.prototype.hasOwnProperty.call(plain, "prototype"));
          const a = tryNew(plain, arg);
          const b = tryNew(traced, arg);
          assert.equal(b.ok, a.ok);
          if (a.ok) {
            // The wrapped function's instances come from the source function's prototype, as the source makes them.
            const sourceProto = (source as { prototype?: unknown }).prototype;
            if (sourceProto !== undefined) assert.equal(b.proto, sourceProto);
            assert.equal(b.x, a.x);
            assert.ok(Reflect.construct(traced, [arg]) instanceof (traced as new () => unknown));
            // new.target as the plain function sees it: itself (a bound function passes its target's).
            assert.equal(tracedSeen[0] === source || shape === "bound", plainSeen[0] === plain || shape === "bound");
          } else assert.equal(b.error, a.error);
          if (shape !== "generator") {
            const call = (f: Function) => { try { return { v: f(arg) }; } catch (e) { return { e: (e as Error).constructor.name }; } };
            const pc = call(plain);
            const tc = call(traced);
            assert.deepEqual(
              shape === "async" ? { v: await (tc.v as Promise<unknown>) } : tc,
              shape === "async" ? { v: await (pc.v as Promise<unknown>) } : pc,
            );
          }
        },
      ),
      p,
    );
  });
});
