import { context } from "@opentelemetry/api";
import type { Attributes } from "@opentelemetry/api";
import { z } from "zod";
import type { AttributeList } from "./attribute-list.js";
import { CalltreeError } from "./errors.js";
import { applyDecorator, decoratedMethods, isElementDescriptor, wrapFunction } from "./internal/decorate.js";
import type { KindRuntime } from "./internal/decorate.js";
import { reportOnce } from "./internal/diagnostics.js";
import { CALL_KEY, guard } from "./internal/engine.js";
import type { Call, ChildSpan } from "./internal/engine.js";
import type { DataKeys } from "./capture/scope.js";
import { commonOptionsShape } from "./common-options.js";
import type { CommonOptions } from "./common-options.js";
import type { AnyFunction, CallInfo, CallStart, DecoratedMethod } from "./types.js";

/**
 * A method decorator that works in both decorator modes: standard (TC39) decorators and TypeScript's legacy
 * `experimentalDecorators` (with or without `emitDecoratorMetadata`). The decorated method keeps its type.
 */
export interface DualMethodDecorator {
  <This, Args extends any[], Return>(
    value: (this: This, ...args: Args) => Return,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Return>,
  ): (this: This, ...args: Args) => Return;
  <T>(target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<T>): TypedPropertyDescriptor<T> | void;
}

/**
 * A calltree kind: usable as `@kind`, `@kind(options)` and `kind.wrap(fn, options)`.
 *
 * Each call of a decorated method or wrapped function is one span whose `openinference.span.kind` is the kind.
 * The span starts when the method is called, as a child of the active span (or as a new trace with
 * `root: true`), and the method runs in the span's context, so everything it calls nests under it. The span
 * ends when the result is complete: at return for plain values, when a returned Promise settles, when a
 * returned stream (generator, async iterable, web `ReadableStream`) is read to its end, broken off or fails.
 * A thrown error or rejection is recorded (`exception` event, status ERROR) and reaches the caller unchanged.
 */
export interface Kind<O extends object = {}, R = never, D = unknown> extends DualMethodDecorator {
  /** `@kind(options)`: a decorator with options, validated now (at class definition). */
  (options?: O & CommonOptions): DualMethodDecorator;
  /**
   * Wraps a function: the result has exactly the function's type, name and length, and each call is a span
   * named after `options.name` or the function's name.
   * @throws {CalltreeError} when `fn` is not a function or the options are invalid.
   */
  wrap<F extends AnyFunction>(fn: F, options?: O & CommonOptions): F;
  /**
   * Records data on the innermost active call of this kind (what the return value does not show). Outside such
   * a call it does nothing and reports one diagnostic. Never throws.
   */
  record(data: R): void;
  /** The innermost active call of this kind, if any (`D`: the kind's `call.data`, see {@link KindDefinition}). */
  current(): CallInfo<O, D> | undefined;
  /** The methods of a class (or an instance's class) decorated with this kind, with their options. */
  methodsOf(target: object | Function): DecoratedMethod<O>[];
  /** The kind's name (`"llm"`). */
  readonly kindName: string;
  /** The OpenInference span kind (`"LLM"`). */
  readonly spanKind: string;
}

/**
 * What a kind package supplies to {@link defineKind}. Every hook runs inside a guard: a hook that throws is
 * reported once and skipped, and the app's call goes on. Attributes returned by hooks pass through masking.
 *
 * Type parameters: `O` the kind's own options, `R` what `kind.record()` takes, `D` the type of the per-call
 * scratch space `call.data` (starts `undefined`; e.g. `call.data ??= { chunks: 0 }`).
 */
export interface KindDefinition<O extends object = {}, R = never, D = unknown> {
  /** The export name, used in messages and for `record()` lookup (`"llm"`). */
  name: string;
  /** The OpenInference span kind, e.g. `OpenInferenceSpanKind.LLM`. */
  spanKind: string;
  /** The kind's own options as a zod object; merged with {@link CommonOptions} and validated strictly. */
  options?: z.ZodObject<any>;
  /** Attributes fixed per decorated method (e.g. `tool.name`), computed once when the decorator is applied. */
  staticAttributes?: (options: O & CommonOptions, site: { methodName: string; className: string | undefined }) => Attributes | undefined;
  /**
   * Attributes read at span start from the arguments, before the method runs. Returning `input.value` replaces the
   * default capture. The span has started (`call.span.spanContext()` gives its ids); what the hook has to say is
   * returned, not written, hence {@link CallStart}: no `setAttributes`, no `addEvent`. A hook that writes many keys
   * (an LLM request's messages) may return them as an {@link AttributeList}, which is written pair by pair without
   * an object being built and walked; it goes through the same capture.
   */
  onStart?: (call: CallStart<O, D>) => Attributes | AttributeList | undefined | void;
  /** Attributes read from a plain (non-stream) result. Returning `output.value` replaces the default capture. */
  onResult?: (result: unknown, call: CallInfo<O, D>) => Attributes | undefined | void;
  /** Sees each chunk of a returned stream (keep state in `call.data`). */
  onChunk?: (chunk: unknown, call: CallInfo<O, D>) => void;
  /** Attributes summarizing a stream when it ends. Returning `output.value` replaces the default capture. */
  onStreamEnd?: (call: CallInfo<O, D>) => Attributes | undefined | void;
  /** Attributes to add when the call fails. */
  onError?: (error: unknown, call: CallInfo<O, D>) => Attributes | undefined | void;
  /**
   * Told about each span that ran inside a call of this kind (by calltree or any instrumentation), when it ends;
   * needs the calltree span processor (installed by `register()` and the testing kit).
   */
  onChildSpan?: (child: ChildSpan, call: CallInfo<O, D>) => void;
  /**
   * Attributes written last, right before the call's span ends: after the result, the stream end or the error,
   * after work the call waits for, and after every child span that ended before it (see `onChildSpan`). For
   * what depends on the children, such as usage that belongs on exactly one span of a trace. Runs once per call.
   */
  onClose?: (call: CallInfo<O, D>) => Attributes | undefined | void;
  /** Turns data given to `kind.record()` into attributes. */
  record?: (data: R, call: CallInfo<O, D>) => Attributes | undefined | void;
  /**
   * The kind's own attribute keys (exact, or prefixes of `prefix.*`) that carry the call's input or output data.
   * Core already knows OpenInference's (input and output values, messages, documents, embedding texts and vectors…; see docs/privacy.md); with `captureInput: false` / `captureOutput: false` the
   * keys of that side are left off the span, whichever hook or recorder wrote them.
   */
  dataKeys?: DataKeys;
}

function formatIssues(kindName: string, error: z.ZodError, known: string[]): string {
  const parts = error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return `unknown option${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `\`${k}\``).join(", ")}`;
    }
    return path ? `option \`${path}\`: ${issue.message}` : issue.message;
  });
  return `@${kindName}: invalid options: ${parts.join("; ")}. Known options: ${known.join(", ")}.`;
}

/**
 * Makes a kind: the decorator, `wrap()`, `record()` and the rest of {@link Kind}. Every calltree kind package
 * is written with this function alone, so a third party can define a new kind the same way.
 *
 * @throws {CalltreeError} `INVALID_KIND` when the definition itself is wrong.
 */
export function defineKind<O extends object = {}, R = never, D = unknown>(definition: KindDefinition<O, R, D>): Kind<O, R, D> {
  if (!/^[a-z][A-Za-z0-9]*$/.test(definition.name)) {
    throw new CalltreeError("INVALID_KIND", `defineKind: \`name\` must be an identifier such as "llm", got ${JSON.stringify(definition.name)}.`);
  }
  if (typeof definition.spanKind !== "string" || definition.spanKind === "") {
    throw new CalltreeError("INVALID_KIND", `defineKind(${definition.name}): \`spanKind\` must be an OpenInference span kind such as "LLM".`);
  }
  const shape = { ...commonOptionsShape, ...(definition.options?.shape ?? {}) };
  const schema = z.strictObject(shape);
  const known = Object.keys(shape);
  // The engine calls every kind's hooks with its own call object, whose `data` is whatever this kind put there:
  // the hooks' `D` is erased here, in one place.
  const hooks = definition as unknown as KindDefinition<any, R, any>;
  const runtime: KindRuntime = {
    name: definition.name,
    spanKind: definition.spanKind,
    staticAttributes: definition.staticAttributes,
    onStart: hooks.onStart,
    onResult: hooks.onResult,
    onChunk: hooks.onChunk,
    onStreamEnd: hooks.onStreamEnd,
    onError: hooks.onError,
    onChildSpan: hooks.onChildSpan,
    onClose: hooks.onClose,
    dataKeys: definition.dataKeys,
  };

  const validate = (options: unknown): CommonOptions & Record<string, unknown> => {
    if (options === undefined) options = {};
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      throw new CalltreeError(
        "INVALID_OPTIONS",
        `@${definition.name}: options must be an object such as @${definition.name}({ name: "..." }), got ${options === null ? "null" : typeof options}.`,
      );
    }
    const parsed = schema.safeParse(options);
    if (!parsed.success) throw new CalltreeError("INVALID_OPTIONS", formatIssues(definition.name, parsed.error, known));
    return parsed.data as CommonOptions & Record<string, unknown>;
  };
  const defaults = validate({});

  const kind = function (...args: unknown[]): unknown {
    // A lone element descriptor is a bare `@kind` compiled as the 2018-09 proposal, not options: applyDecorator
    // says what to do about it.
    if (args.length === 0 || (args.length === 1 && typeof args[0] !== "function" && !isElementDescriptor(args[0]))) {
      const options = validate(args[0]);
      return function calltreeDecorator(...a: unknown[]): unknown {
        return applyDecorator(runtime, options, a);
      };
    }
    return applyDecorator(runtime, defaults, args);
  } as unknown as Kind<O, R, D>;

  const current = (): Call | undefined => {
    for (let c = context.active().getValue(CALL_KEY) as Call | undefined; c !== undefined; c = c.parent) {
      if (c.rec.kind === runtime) return c;
    }
    return undefined;
  };

  Object.defineProperties(kind, {
    name: { value: definition.name },
    kindName: { value: definition.name, enumerable: true },
    spanKind: { value: definition.spanKind, enumerable: true },
    wrap: {
      value: <F extends AnyFunction>(f: F, options?: O & CommonOptions): F => wrapFunction(runtime, validate(options), f) as F,
    },
    current: { value: () => current() as CallInfo<O, D> | undefined },
    methodsOf: { value: (target: object | Function) => decoratedMethods<O>(target, definition.name) },
    record: {
      value: (data: R): void => {
        try {
          const call = current();
          if (call === undefined || call.ended) {
            reportOnce(`record-outside:${definition.name}`, `${definition.name}.record() was called outside an active @${definition.name} call; nothing was recorded`);
            return;
          }
          const hook = hooks.record;
          if (hook === undefined) return;
          const attrs = guard(call, "record()", () => hook(data, call));
          if (attrs) call.setAttributes(attrs);
        } catch (e) {
          reportOnce(`record:${definition.name}`, `${definition.name}.record() failed`, e);
        }
      },
    },
  });
  return kind;
}
