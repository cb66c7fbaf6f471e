// Starting a call: the span, its start attributes and the context the function runs in.
import { context, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import type { Attributes, AttributeValue, Context, Span, Tracer } from "@opentelemetry/api";
import { AttributeList } from "../../attribute-list.js";
import { captureConfig } from "../../capture/config.js";
import { maskAttributes } from "../../capture/mask.js";
import { activeTracer } from "../../tracer.js";
import { checkContextManager, reportOnce } from "../diagnostics.js";
import {
  INPUT_MIME_TYPE,
  INPUT_VALUE,
  KIND_KEY,
  kindAttributes,
  mimeType,
  perKey,
  setEach,
  valueText,
  writeKindAttributes,
  writeKindList,
  writeMasked,
} from "./attributes.js";
import { Call, CALL_KEY, SAY_AT_ONCE, SAY_COLLECT, SAY_DIRECT } from "./call.js";
import { callContext, contextInfo } from "./context.js";
import type { ContextInfo } from "./context.js";
import { guard, guard1 } from "./errors.js";
import { settle } from "./promises.js";
import type { MethodRecord, StartPlan } from "./types.js";

/**
 * Calls `rec.fn` as a traced call: the span starts before the function runs, the function runs in the span's
 * context, and the span ends when the result is complete (at once, when a Promise settles, or when a returned
 * stream is consumed). The function's result and errors reach the caller unchanged. @internal
 */
export function invoke(rec: MethodRecord, thisArg: unknown, args: unknown[]): unknown {
  const tracer = activeTracer();
  if (tracer === undefined) return rec.fn.apply(thisArg, args);
  return invokeTraced(rec, tracer, thisArg, args);
}

// The traced path, apart so that the untraced one above stays small enough for V8 to inline into each wrapper.
function invokeTraced(rec: MethodRecord, tracer: Tracer, thisArg: unknown, args: unknown[]): unknown {
  const parentCtx = context.active();
  // Without a context manager the active context is always the root one: only then is there anything to check.
  if (parentCtx === ROOT_CONTEXT) checkContextManager();
  let info: ContextInfo | undefined;
  try {
    info = contextInfo(parentCtx);
  } catch (e) {
    reportOnce(`context:${rec.kind.name}:${rec.methodName}`, `could not read the active context for ${rec.methodName}; calling it untraced`, e);
  }
  if (info === undefined || info.suppressed) return rec.fn.apply(thisArg, args);
  let call: Call | undefined;
  try {
    call = startCall(rec, tracer, parentCtx, info, thisArg, args);
  } catch (e) {
    reportOnce(`start:${rec.kind.name}:${rec.methodName}`, `could not start a span for ${rec.methodName}; calling it untraced`, e);
  }
  if (call === undefined) return rec.fn.apply(thisArg, args);
  let result: unknown;
  try {
    // One argument through `context.with` (it passes them on with a rest parameter and a spread, twice).
    result = context.with(call.ctx, runCall, undefined, call);
  } catch (error) {
    call.fail(error);
    throw error;
  }
  call.thisArg = undefined;
  return settle(call, result);
}

// Runs the call's function with its own `this` and arguments. Passed to `context.with` with `this` undefined:
// AsyncLocalStorage.run calls its callback with `this === null`, and binding would make a function per call.
function runCall(call: Call): unknown {
  return call.rec.fn.apply(call.thisArg, call.args as unknown[]);
}

function startPlan(rec: MethodRecord): StartPlan {
  const keys: string[] = [];
  const values: AttributeValue[] = [];
  const kind = rec.staticAttributes[KIND_KEY];
  for (const key of Object.keys(rec.staticAttributes)) {
    const value = rec.staticAttributes[key];
    if (key === KIND_KEY || value === undefined) continue;
    keys.push(key);
    values.push(value);
  }
  const attributes: Attributes = {};
  if (kind !== undefined) attributes[KIND_KEY] = kind;
  return {
    options: { attributes },
    kind,
    keys,
    values,
    staticInput: rec.staticAttributes[INPUT_VALUE] !== undefined,
    staticImage: values.some((v) => typeof v === "string" && v.startsWith("data:image/")),
    isAsync: Object.getPrototypeOf(rec.fn) === AsyncFunctionPrototype,
  };
}

const AsyncFunctionPrototype: object = Object.getPrototypeOf(async function () {});

function startCall(rec: MethodRecord, tracer: Tracer, parentCtx: Context, info: ContextInfo, thisArg: unknown, args: unknown[]): Call {
  const options = rec.options;
  const plan = rec.plan ?? (rec.plan = startPlan(rec));
  // The root context holds no call (every top-level call starts there).
  const parent = options.root === true || parentCtx === ROOT_CONTEXT ? undefined : (parentCtx.getValue(CALL_KEY) as Call | undefined);
  const call = new Call(rec, thisArg, args, parent);
  // Attributes beyond the static ones, each source kept as it came (no merged copy: an @llm request brings a
  // hundred keys). Attributes from the user (withAttributes, an `attributes` function) and from the kind may hold
  // long base64 images, which OpenInference masks even with no hide flag set.
  const ctxAttrs = info.attrs;
  let dynamic: Attributes | undefined;
  const extra = options.attributes;
  if (typeof extra === "function") dynamic = guard(call, "attributes option", () => extra(...args)) ?? undefined;
  const name = spanName(rec, thisArg);
  let span: Span;
  if (options.root === true) {
    const callerSpan = trace.getSpan(parentCtx);
    span = tracer.startSpan(
      name,
      { attributes: plan.options.attributes!, root: true, links: callerSpan ? [{ context: callerSpan.spanContext() }] : [] },
      parentCtx,
    );
  } else {
    span = tracer.startSpan(name, plan.options, parentCtx);
  }
  call.span = span;
  try {
    writeStart(call, plan, span, ctxAttrs, info.masking, dynamic);
  } catch (e) {
    // Not reached by a kind's or the user's code (guarded); should the SDK's span throw, no span is left open.
    span.end();
    throw e;
  }
  call.ctx = callContext(parentCtx, span, call, info);
  return call;
}

// Everything a call writes before its method runs. The kind's `onStart` runs here, once the span has started: its
// id is known (an agent's `graph.node.id`), and what it says is written like the rest, not passed at start.
function writeStart(
  call: Call,
  plan: StartPlan,
  span: Span,
  ctxAttrs: Attributes | undefined,
  ctxMasking: boolean,
  dynamic: Attributes | undefined,
): void {
  const rec = call.rec;
  const onStart = rec.kind.onStart;
  // With a hide flag set (or a static value that is an image) everything passes through masking as one object.
  if (captureConfig().masking || plan.staticImage) {
    writeStartMasked(call, plan, span, ctxAttrs, dynamic);
    return;
  }
  // The static attributes, then the context's, the `attributes` option's, the kind's and the input: later writes
  // win, as when they were one object.
  const keys = plan.keys;
  const values = plan.values;
  for (let i = 0; i < keys.length; i++) span.setAttribute(keys[i]!, values[i]!);
  if (ctxAttrs !== undefined) writeMasked(span, ctxAttrs, ctxMasking);
  if (dynamic !== undefined) writeMasked(span, dynamic, true);
  let kindInput = false;
  if (onStart !== undefined) {
    // Key by key as the kind says them (set() straight to the span, a returned list or object pair by pair) when
    // scoping and masking can change only one key at a time; else collected and scoped as one object.
    const direct = perKey(rec);
    call.sayMode = direct ? SAY_DIRECT : SAY_COLLECT;
    const got = (guard1(call, "onStart", onStart, call) as Attributes | AttributeList | null | undefined) ?? undefined;
    call.sayMode = SAY_AT_ONCE;
    // An output.value said at start replaces nothing: the default output gives way only to the result's hooks.
    call.saidOutput = false;
    if (direct) {
      kindInput = call.saidInput;
      if (got instanceof AttributeList) {
        writeKindList(span, got, rec);
        kindInput ||= got.get(INPUT_VALUE) !== undefined;
      } else if (got !== undefined) {
        writeKindAttributes(span, got, rec);
        kindInput ||= got[INPUT_VALUE] !== undefined;
      }
    } else {
      const all = call.merged(got instanceof AttributeList ? got.toAttributes() : got);
      if (all !== undefined) {
        const kindAttrs = kindAttributes(all, rec, true);
        setEach(span, kindAttrs);
        kindInput = kindAttrs[INPUT_VALUE] !== undefined;
      }
    }
  }
  if (!kindInput && dynamic?.[INPUT_VALUE] === undefined && ctxAttrs?.[INPUT_VALUE] === undefined) {
    const input = inputOf(call, plan);
    if (input !== undefined) {
      span.setAttribute(INPUT_VALUE, valueText(input));
      span.setAttribute(INPUT_MIME_TYPE, mimeType(input));
    }
  }
}

// writeStart with a hide flag set (or a static image): the attributes of every source and the input, masked as one
// object.
function writeStartMasked(call: Call, plan: StartPlan, span: Span, ctxAttrs: Attributes | undefined, dynamic: Attributes | undefined): void {
  const rec = call.rec;
  const onStart = rec.kind.onStart;
  let kindAttrs: Attributes | undefined;
  if (onStart !== undefined) {
    call.sayMode = SAY_COLLECT;
    const got = (guard1(call, "onStart", onStart, call) as Attributes | AttributeList | null | undefined) ?? undefined;
    call.sayMode = SAY_AT_ONCE;
    const all = call.merged(got instanceof AttributeList ? got.toAttributes() : got);
    // Scoped here; masked below with everything else.
    if (all !== undefined) kindAttrs = kindAttributes(all, rec, false);
  }
  // Object.assign, not spread: V8 gives a spread copy a map that turns adding the dotted attribute keys below
  // into a slow path (measured: ~2.5 µs for two keys against ~0.1 µs).
  const attrs: Attributes = Object.assign({}, rec.staticAttributes, ctxAttrs, dynamic, kindAttrs);
  const input = (kindAttrs?.[INPUT_VALUE] ?? dynamic?.[INPUT_VALUE] ?? ctxAttrs?.[INPUT_VALUE]) === undefined ? inputOf(call, plan) : undefined;
  if (input !== undefined) {
    attrs[INPUT_VALUE] = valueText(input);
    attrs[INPUT_MIME_TYPE] = mimeType(input);
  }
  maskAttributes(attrs);
  // The kind went with the span options; anything else masked away is simply not written.
  if (attrs[KIND_KEY] === plan.kind) delete attrs[KIND_KEY];
  setEach(span, attrs);
}

// The call's input as captured by default (the `input` mapper's value, else the arguments), when it is captured:
// not with `captureInput: false`, no arguments, or a static input.
function inputOf(call: Call, plan: StartPlan): unknown {
  const rec = call.rec;
  const options = rec.options;
  const args = call.args as unknown[];
  if (options.captureInput === false || args.length === 0 || plan.staticInput) return undefined;
  const input = options.input;
  return input !== undefined ? guard(call, "input mapper", () => input(...args)) : argumentsValue(rec, args);
}

/** The parameter names of `fn` when they are plain identifiers, else `null`. @internal */
export function parseParamNames(fn: (...args: unknown[]) => unknown): string[] | null {
  let src: string;
  try {
    src = Function.prototype.toString.call(fn);
  } catch {
    return null;
  }
  let list: string | undefined;
  const open = src.indexOf("(");
  const arrow = src.indexOf("=>");
  if (arrow >= 0 && (open < 0 || arrow < open)) list = src.slice(0, arrow).replace(/^async\s+/, "");
  else if (open >= 0) {
    const close = src.indexOf(")", open);
    if (close < 0) return null;
    list = src.slice(open + 1, close);
  }
  if (list === undefined) return null;
  // Only plain identifiers (optionally with simple literal defaults) are trusted; anything else (destructuring,
  // rest, expressions) records the arguments as an array instead of guessing.
  const names: string[] = [];
  for (const part of list.replace(/\/\*.*?\*\//g, "").split(",")) {
    const p = part.trim();
    if (p === "") continue;
    const m = /^([A-Za-z_$][\w$]*)\s*(?:=\s*(?:[\w$.]+|"[^"]*"|'[^']*'|-?\d[\d.]*))?$/.exec(p);
    if (m === null) return null;
    names.push(m[1]!);
  }
  return names;
}

function argumentsValue(rec: MethodRecord, args: readonly unknown[]): unknown {
  if (args.length === 1) return args[0];
  if (rec.paramNames === undefined) rec.paramNames = parseParamNames(rec.fn);
  const names = rec.paramNames;
  if (names === null || args.length > names.length) return args;
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) obj[names[i]!] = args[i];
  return obj;
}

function className(rec: MethodRecord, thisArg: unknown): string | undefined {
  if (rec.className !== undefined) return rec.className;
  try {
    if (rec.isStatic && typeof thisArg === "function") return thisArg.name;
    if (thisArg === null || (typeof thisArg !== "object" && typeof thisArg !== "function")) return undefined;
    // Walk up from `this` to the class that declared the method: for public methods the prototype holding the
    // wrapper, for private ones the class whose decorator metadata is this method's.
    const metaKey = (Symbol as { metadata?: symbol }).metadata;
    for (let p = Object.getPrototypeOf(thisArg); p !== null; p = Object.getPrototypeOf(p)) {
      const ctor = Object.prototype.hasOwnProperty.call(p, "constructor") ? (p.constructor as Function) : undefined;
      if (ctor === undefined) continue;
      const own = Object.getOwnPropertyDescriptor(p, rec.methodName);
      const meta = metaKey !== undefined && Object.prototype.hasOwnProperty.call(ctor, metaKey)
        ? (ctor as unknown as Record<symbol, unknown>)[metaKey]
        : undefined;
      if (own?.value === rec.wrapped || (rec.metadata !== undefined && meta === rec.metadata)) {
        rec.className = ctor.name;
        return ctor.name;
      }
    }
    return (thisArg as { constructor?: { name?: string } }).constructor?.name;
  } catch {
    return undefined;
  }
}

function spanName(rec: MethodRecord, thisArg: unknown): string {
  if (rec.spanName !== undefined) return rec.spanName;
  const cls = className(rec, thisArg);
  const name = cls ? `${cls}.${rec.methodName}` : rec.methodName;
  if (rec.className !== undefined) rec.spanName = name;
  return name;
}
