import { context, createContextKey, ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Attributes, AttributeValue, Context, Span, SpanOptions, Tracer } from "@opentelemetry/api";
import { MimeType, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { captureConfig } from "../capture/config.js";
import { maskAttributes } from "../capture/mask.js";
import { scopeAttributes } from "../capture/scope.js";
import type { DataKeys } from "../capture/scope.js";
import { safeJson, truncateText } from "../capture/serialize.js";
import { contextAttributes, isSuppressed } from "../context.js";
import { activeTracer } from "../tracer.js";
import type { CallInfo, CommonOptions } from "../types.js";
import { checkContextManager, reportOnce } from "./diagnostics.js";
import { STREAM_STATE, FIRST_TOKEN_EVENT } from "./constants.js";

// The attribute keys of the hot path, copied once: the CommonJS build would otherwise read each one through two
// re-export getters on every call (measured ~180 ns per call).
const KIND_KEY = SC.OPENINFERENCE_SPAN_KIND;
const INPUT_VALUE = SC.INPUT_VALUE;
const INPUT_MIME_TYPE = SC.INPUT_MIME_TYPE;
const OUTPUT_VALUE = SC.OUTPUT_VALUE;
const OUTPUT_MIME_TYPE = SC.OUTPUT_MIME_TYPE;
const TEXT = MimeType.TEXT;
const JSON_MIME = MimeType.JSON;

/** The hooks a kind supplies; see `defineKind`. @internal */
export interface KindHooks {
  name: string;
  spanKind: string;
  onStart?: ((call: CallInfo<any>) => Attributes | undefined | void) | undefined;
  onResult?: ((result: unknown, call: CallInfo<any>) => Attributes | undefined | void) | undefined;
  onChunk?: ((chunk: unknown, call: CallInfo<any>) => void) | undefined;
  onStreamEnd?: ((call: CallInfo<any>) => Attributes | undefined | void) | undefined;
  onError?: ((error: unknown, call: CallInfo<any>) => Attributes | undefined | void) | undefined;
  onChildSpan?: ((child: ChildSpan, call: CallInfo<any>) => void) | undefined;
  onClose?: ((call: CallInfo<any>) => Attributes | undefined | void) | undefined;
  dataKeys?: DataKeys | undefined;
}

/** What a kind sees of a span started inside one of its calls (by calltree or any instrumentation). */
export interface ChildSpan {
  readonly name: string;
  readonly attributes: Attributes;
  readonly instrumentationScope?: { readonly name: string } | undefined;
}

/** Everything known about one decorated method or wrapped function, computed once. @internal */
export interface MethodRecord {
  kind: KindHooks;
  options: CommonOptions & Record<string, unknown>;
  fn: (...args: unknown[]) => unknown;
  methodName: string;
  /** Resolved span name, or undefined until the class name is known. */
  spanName: string | undefined;
  className: string | undefined;
  /** TC39 decorator metadata object of the class, used to find the class name of instance methods. */
  metadata: object | undefined;
  wrapped: (...args: unknown[]) => unknown;
  staticAttributes: Attributes;
  paramNames: string[] | null | undefined;
  isStatic: boolean;
  /** How a call starts its span, derived from `staticAttributes` on the first call (see {@link startPlan}). */
  plan?: StartPlan | undefined;
}

/**
 * What every call of a method writes at span start, computed once per decorated method: the span options (they
 * carry only `openinference.span.kind`, the one attribute a sampler or an `onStart` span processor sees; see
 * docs/architecture.md) and the other static attributes (the four `code.*`, the kind's static attributes, the
 * `attributes` option) as parallel key and value arrays, written with one `setAttribute` each right after the
 * span starts. @internal
 */
interface StartPlan {
  options: SpanOptions;
  kind: AttributeValue | undefined;
  keys: string[];
  values: AttributeValue[];
  /** The static attributes hold `input.value` (then a call records no input of its own). */
  staticInput: boolean;
  /** A static attribute is a `data:image/` string: masking must see the static attributes too. */
  staticImage: boolean;
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
  };
}

// Writes attributes one `setAttribute` each: the SDK's `setAttributes` walks `Object.entries`, an array per entry.
// Writes attributes that came from the user or a kind. With no hide flag set, masking changes only long base64
// images (`data:image/` strings); only then is a masked copy made (the kind may share the object it returned).
function writeMasked(span: Span, attrs: Attributes, check: boolean): void {
  if (check) {
    for (const key in attrs) {
      const value = attrs[key];
      if (typeof value === "string" && value.startsWith("data:image/")) {
        setEach(span, maskAttributes(Object.assign({}, attrs)));
        return;
      }
    }
  }
  setEach(span, attrs);
}

// Arrays are copied, as the SDK copies start attributes: a context's tag list is shared by every span made under it.
function setEach(span: Span, attrs: Attributes): void {
  for (const key in attrs) {
    const value = attrs[key];
    if (value !== undefined) span.setAttribute(key, Array.isArray(value) ? value.slice() : value);
  }
}

// A kind hook's attributes as they will be written: the hook's own object when scoping (and masking) would change
// nothing in it, else a scoped copy (a hook may return an object it shares, so it is never changed in place).
// An @llm request brings a hundred keys: the copy was a third of the call's cost.
function kindAttributes(got: Attributes, rec: MethodRecord, mask: boolean): Attributes {
  const options = rec.options;
  const config = captureConfig();
  let change = options.captureInput === false || options.captureOutput === false || (mask && config.masking);
  if (!change) {
    const max = config.maxValueLength;
    for (const key in got) {
      const value = got[key];
      if (typeof value === "string") {
        if (value.length > max || (mask && value.startsWith("data:image/"))) {
          change = true;
          break;
        }
      } else if (Array.isArray(value)) {
        change = true;
        break;
      }
    }
  }
  if (!change) return got;
  const copy = Object.assign({}, got);
  return scopeAttributes(mask ? maskAttributes(copy) : copy, options, rec.kind.dataKeys);
}

// True when a kind's attributes can be written key by key as they come (see writeKindAttributes): no hide flag
// and no withheld side, so scoping and masking can change only one key at a time.
function perKey(rec: MethodRecord): boolean {
  return !captureConfig().masking && rec.options.captureInput !== false && rec.options.captureOutput !== false;
}

// Writes a kind's attributes in one pass when perKey(rec): a value the capture must change (a string over the
// limit, a `data:image/` string, an array) goes through scoping and masking on its own (both work key by key);
// every other value is written as it is. The kind's object is never changed.
function writeKindAttributes(span: Span, got: Attributes, rec: MethodRecord): void {
  const max = captureConfig().maxValueLength;
  for (const key in got) {
    const value = got[key];
    if (value === undefined) continue;
    if (typeof value === "string") {
      if (value.length <= max && (value.charCodeAt(0) !== 100 /* d */ || !value.startsWith("data:image/"))) {
        span.setAttribute(key, value);
        continue;
      }
    } else if (!Array.isArray(value)) {
      span.setAttribute(key, value);
      continue;
    }
    const one: Attributes = {};
    one[key] = value;
    setEach(span, scopeAttributes(maskAttributes(one), rec.options, rec.kind.dataKeys));
  }
}

/** Context key of the innermost calltree call. */
export const CALL_KEY = createContextKey("calltree call v1");

type Outcome = "completed" | "cancelled" | "errored" | "abandoned";

/** One call in flight. Implements the kinds' view of it ({@link CallInfo}). @internal */
export class Call implements CallInfo<any> {
  span: Span = undefined as unknown as Span;
  ctx: Context = undefined as unknown as Context;
  ended = false;
  /** The span itself has ended (after `ended`, once pending work is done): child spans are reported until then. */
  closed = false;
  data: unknown = undefined;
  thisArg: unknown;
  // Stream bookkeeping, created on the first chunk.
  chunks: number = 0;
  texts: string[] | undefined;
  textLength = 0;
  items: unknown[] | undefined;
  dropped = 0;
  lastActivity = 0;
  timer: ReturnType<typeof setTimeout> | undefined;
  // Work the span waits for before it ends (e.g. reading a teed response body); see waitFor().
  pending: Set<Promise<unknown>> | undefined;
  // Registered with the FinalizationRegistry (a promise subclass or a stream); see watch().
  watched = false;
  // Objects registered for this call and not yet collected: the returned stream and each iterator taken from it.
  liveTargets = 0;
  // The attributes onResult returned, when they are written key by key at close (see writeKindAttributes).
  kindResult: Attributes | undefined = undefined;
  // The output of a plain result when the kind's attributes are written as the kind returned them (see
  // resultAttributes): written at close, right after them.
  outputText: string | undefined = undefined;
  outputMime: string | undefined = undefined;
  // The context a returned stream's steps run in: the call's, marked as inside this call's stream (see streamContext).
  streamCtx: Context | undefined = undefined;

  constructor(
    readonly rec: MethodRecord,
    thisArg: unknown,
    readonly args: readonly unknown[],
    readonly parent: Call | undefined,
  ) {
    this.thisArg = thisArg;
  }

  get options(): CommonOptions & Record<string, unknown> {
    return this.rec.options;
  }

  get methodName(): string {
    return this.rec.methodName;
  }

  get kindName(): string {
    return this.rec.kind.name;
  }

  setAttributes(attributes: Attributes): void {
    if (this.ended) {
      // Pending work (see waitFor) may still write until the span closes.
      if (this.pending !== undefined) this.setLateAttributes(attributes);
      return;
    }
    try {
      setEach(this.span, scopeAttributes(maskAttributes(Object.assign({}, attributes)), this.rec.options, this.rec.kind.dataKeys));
    } catch (e) {
      reportOnce(`set-attributes:${this.rec.kind.name}`, "could not set span attributes", e);
    }
  }

  addEvent(name: string, attributes?: Attributes): void {
    if (this.ended) return;
    try {
      this.span.addEvent(name, attributes);
    } catch (e) {
      reportOnce(`add-event:${this.rec.kind.name}`, "could not add a span event", e);
    }
  }

  parentCall(kindName?: string): CallInfo | undefined {
    for (let c = this.parent; c !== undefined; c = c.parent) {
      if (kindName === undefined || c.rec.kind.name === kindName) return c;
    }
    return undefined;
  }

  /** Ends the span after a plain (non-stream) result. */
  succeed(result: unknown): void {
    if (this.ended) return;
    const rec = this.rec;
    const options = rec.options;
    if (rec.kind.onResult === undefined && rec.kind.onClose === undefined && options.output === undefined && this.pending === undefined && !captureConfig().masking) {
      // The common case: no kind hook, no mapper, no masking: the two output attributes go straight to the span.
      this.ended = true;
      this.closed = true;
      this.thisArg = undefined;
      if (this.timer !== undefined) clearTimeout(this.timer);
      if (this.watched) unwatch(this);
      try {
        const span = this.span;
        if (options.captureOutput !== false && result !== undefined) {
          if (typeof result === "string") {
            span.setAttribute(OUTPUT_VALUE, truncateText(result));
            span.setAttribute(OUTPUT_MIME_TYPE, TEXT);
          } else {
            span.setAttribute(OUTPUT_VALUE, jsonOf(result));
            span.setAttribute(OUTPUT_MIME_TYPE, JSON_MIME);
          }
        }
        span.end();
      } catch (e) {
        reportOnce(`end:${rec.kind.name}`, "could not end a span", e);
      }
      return;
    }
    this.end(this.resultAttributes(result));
  }

  resultAttributes(result: unknown): Attributes {
    const rec = this.rec;
    const hook = rec.kind.onResult;
    let attrs: Attributes | undefined;
    let shared = false;
    if (hook !== undefined) {
      const got = guard(this, "onResult", () => hook(result, this)) ?? undefined;
      if (got !== undefined) {
        // Written key by key at close when it can be (no copy, one pass), else a scoped and masked copy. Not when
        // the span waits for pending work: the hook's object, if it shares it, could change in the meantime.
        const waits = this.pending !== undefined && this.pending.size > 0;
        if (perKey(rec) && !waits) this.kindResult = attrs = got;
        else {
          attrs = kindAttributes(got, rec, true);
          if (attrs === got && waits) attrs = Object.assign({}, got);
        }
        // The hook's own object is never extended: the output then waits in the call until the span closes.
        shared = attrs === got;
      }
    }
    if (rec.options.captureOutput !== false && (attrs === undefined || attrs[OUTPUT_VALUE] === undefined)) {
      const output = rec.options.output;
      let value = result;
      if (output !== undefined) value = guard(this, "output mapper", () => output(result));
      if (value !== undefined && shared) {
        // Masking is off here (else the hook's attributes were copied).
        this.outputText = typeof value === "string" ? truncateText(value) : jsonOf(value);
        this.outputMime = typeof value === "string" ? TEXT : JSON_MIME;
      } else if (value !== undefined) {
        attrs ??= {};
        if (typeof value === "string") {
          attrs[OUTPUT_VALUE] = truncateText(value);
          attrs[OUTPUT_MIME_TYPE] = TEXT;
        } else {
          attrs[OUTPUT_VALUE] = jsonOf(value);
          attrs[OUTPUT_MIME_TYPE] = JSON_MIME;
        }
        if (captureConfig().masking) maskAttributes(attrs);
      }
    }
    return attrs ?? EMPTY;
  }

  waitFor(work: Promise<unknown>): void {
    if (this.ended) return;
    const pending = (this.pending ??= new Set());
    const settled: Promise<unknown> = work.then(
      (): void => void pending.delete(settled),
      (): void => void pending.delete(settled),
    );
    pending.add(settled);
  }

  end(attrs: Attributes): void {
    this.ended = true;
    this.thisArg = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.watched) unwatch(this);
    if (this.pending !== undefined && this.pending.size > 0) {
      // The span keeps the end time of the call; its last attributes arrive when the pending work is done
      // (bounded, so a stuck body read cannot keep a span open).
      const endTime = Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cap = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, PENDING_CAP_MS);
        (timer as { unref?: () => void }).unref?.();
      });
      void Promise.race([Promise.allSettled([...this.pending]), cap]).then(() => {
        clearTimeout(timer);
        this.pending = undefined;
        this.close(attrs, endTime);
      });
      return;
    }
    this.close(attrs, undefined);
  }

  private close(attrs: Attributes, endTime: number | undefined): void {
    const hook = this.rec.kind.onClose;
    let last: Attributes | undefined;
    if (hook !== undefined) {
      // The kind's last word, when nothing can reach the call any more (e.g. usage, once every child was seen).
      const got = guard(this, "onClose", () => hook(this)) ?? undefined;
      if (got !== undefined) {
        try {
          last = kindAttributes(got, this.rec, true);
        } catch (e) {
          reportOnce(`set-attributes:${this.rec.kind.name}`, "could not set span attributes", e);
        }
      }
    }
    this.closed = true;
    try {
      const span = this.span;
      if (attrs === this.kindResult) writeKindAttributes(span, attrs, this.rec);
      else if (attrs !== EMPTY) setEach(span, attrs);
      this.kindResult = undefined;
      if (this.outputText !== undefined) {
        span.setAttribute(OUTPUT_VALUE, this.outputText);
        span.setAttribute(OUTPUT_MIME_TYPE, this.outputMime!);
        this.outputText = undefined;
      }
      if (last !== undefined) setEach(span, last);
      span.end(endTime);
    } catch (e) {
      reportOnce(`end:${this.rec.kind.name}`, "could not end a span", e);
    }
  }

  /** Attributes written by pending work after the call ended but before its span closed. */
  setLateAttributes(attributes: Attributes): void {
    try {
      setEach(this.span, scopeAttributes(maskAttributes(Object.assign({}, attributes)), this.rec.options, this.rec.kind.dataKeys));
    } catch (e) {
      reportOnce(`set-attributes:${this.rec.kind.name}`, "could not set span attributes", e);
    }
  }

  /** Records an error and ends the span; the caller rethrows the same error. */
  fail(error: unknown, extra?: Attributes): void {
    if (this.ended) return;
    const hook = this.rec.kind.onError;
    let attrs: Attributes | undefined = extra;
    if (hook !== undefined) {
      const more = guard(this, "onError", () => hook(error, this));
      if (more !== undefined) attrs = Object.assign({}, attrs, scopeAttributes(maskAttributes(Object.assign({}, more)), this.rec.options, this.rec.kind.dataKeys));
    }
    try {
      recordError(this.span, error);
    } catch (e) {
      reportOnce(`record-error:${this.rec.kind.name}`, "could not record an error on a span", e);
    }
    this.end(attrs ?? EMPTY);
  }

  /** One chunk of a returned stream. */
  chunk(value: unknown): void {
    if (this.ended) return;
    if (this.chunks === 0) this.addEvent(FIRST_TOKEN_EVENT);
    this.chunks++;
    this.lastActivity = Date.now();
    const hook = this.rec.kind.onChunk;
    if (hook !== undefined) guard(this, "onChunk", () => hook(value, this));
    if (this.rec.options.captureOutput === false) return;
    const limit = captureConfig().maxValueLength;
    if (typeof value === "string" && this.items === undefined) {
      if (this.textLength < limit) {
        (this.texts ??= []).push(value);
        this.textLength += value.length;
      } else this.dropped++;
    } else if ((this.items?.length ?? 0) < 1000 && this.textLength < limit) {
      // Mixed or object chunks: keep them as items (strings already kept move along).
      if (this.items === undefined) this.items = this.texts ?? [];
      this.texts = undefined;
      // Binary chunks are kept as their size: a byte stream hands their buffers on to the reader.
      this.items.push(ArrayBuffer.isView(value) ? binaryMarker(value) : value);
    } else this.dropped++;
  }

  /** Ends the span of a stream. */
  finishStream(outcome: Outcome, error?: unknown): void {
    if (this.ended) return;
    const hook = this.rec.kind.onStreamEnd;
    let attrs: Attributes | undefined;
    if (hook !== undefined) {
      const got = guard(this, "onStreamEnd", () => hook(this)) ?? undefined;
      if (got !== undefined) attrs = scopeAttributes(maskAttributes(Object.assign({}, got)), this.rec.options, this.rec.kind.dataKeys);
    }
    attrs ??= {};
    attrs[STREAM_STATE] = outcome;
    if (this.rec.options.captureOutput !== false && attrs[OUTPUT_VALUE] === undefined) {
      let collected: unknown = this.texts !== undefined ? this.texts.join("") : this.items;
      if (this.dropped > 0 && Array.isArray(collected)) collected = [...collected, `…[${this.dropped} more chunks]`];
      if (this.dropped > 0 && typeof collected === "string") collected += `…[${this.dropped} more chunks]`;
      const output = this.rec.options.output;
      if (output !== undefined && collected !== undefined) collected = guard(this, "output mapper", () => output(collected));
      if (typeof collected === "string") {
        attrs[OUTPUT_VALUE] = truncateText(collected);
        attrs[OUTPUT_MIME_TYPE] = TEXT;
      } else if (collected !== undefined) {
        attrs[OUTPUT_VALUE] = safeJson(collected);
        attrs[OUTPUT_MIME_TYPE] = JSON_MIME;
      }
      if (captureConfig().masking) maskAttributes(attrs);
    }
    if (outcome === "errored") this.fail(error, attrs);
    else this.end(attrs);
  }
}

const EMPTY: Attributes = Object.freeze({}) as Attributes;

function binaryMarker(view: ArrayBufferView): string {
  return `[${view.constructor?.name ?? "ArrayBufferView"} ${view.byteLength} bytes]`;
}

// JSON of a captured value; numbers and booleans skip the safe walker (the common trivial case on the hot path).
function jsonOf(value: unknown): string {
  const t = typeof value;
  if (t === "number") return Number.isFinite(value) ? String(value) : "null";
  if (t === "boolean") return value ? "true" : "false";
  return safeJson(value);
}
const PENDING_CAP_MS = 5_000;

/** Runs a kind hook or user mapper; a throw becomes one diagnostic and `undefined`. */
export function guard<T>(call: Call, what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    reportOnce(`${what}:${call.rec.kind.name}:${call.rec.methodName}`, `${what} of ${call.rec.spanName ?? call.rec.methodName} threw; the call goes on without it`, e);
    return undefined;
  }
}

const MAX_ERROR_TEXT = 8_192;

function readString(read: () => unknown): string | undefined {
  try {
    const v = read();
    return typeof v === "string" ? truncateText(v, MAX_ERROR_TEXT) : undefined;
  } catch {
    return undefined;
  }
}

// Records a thrown value without ever throwing itself: an Error whose `message` getter throws, a revoked Proxy or
// a 50 MB message still give an `exception` event and status ERROR, with text cut to a bounded size.
function recordError(span: Span, error: unknown): void {
  let name: string;
  let message: string;
  let stack: string | undefined;
  let code: string | number | undefined;
  let isError: boolean;
  try {
    isError = error instanceof Error;
  } catch {
    isError = false;
  }
  if (isError) {
    const e = error as Error;
    name = readString(() => e.name) ?? "Error";
    // SDK error classes often leave `name` at "Error" (openai's InternalServerError, RateLimitError...): the class
    // name says what went wrong, as Python's type(e).__name__ does in Phoenix.
    if (name === "Error") name = readString(() => (e.constructor as { name?: unknown } | undefined)?.name) || name;
    message = readString(() => e.message) ?? "[unreadable message]";
    stack = readString(() => e.stack);
    try {
      const c = (e as { code?: unknown }).code;
      if (typeof c === "string" || typeof c === "number") code = c;
    } catch {
      code = undefined;
    }
  } else {
    // Non-Error throwables (strings, objects, undefined) are recorded too, with a readable message.
    name = error === null ? "null" : typeof error === "object" ? "Object" : typeof error;
    message = typeof error === "string" ? truncateText(error, MAX_ERROR_TEXT) : safeJson(error, 1024);
  }
  try {
    const exception: { name: string; message: string; stack?: string; code?: string | number } = { name, message };
    if (stack !== undefined) exception.stack = stack;
    if (code !== undefined) exception.code = code;
    span.recordException(exception);
  } catch (e) {
    reportOnce("record-exception", "could not record an exception event", e);
  }
  try {
    span.setStatus({ code: SpanStatusCode.ERROR, message: isError ? `${name}: ${message}` : message });
  } catch (e) {
    reportOnce("set-status", "could not set an error status", e);
  }
}

// Calls `fn` with `self` as `this`. Passed to `context.with` instead of binding: AsyncLocalStorage.run calls its
// callback with `this === null`, which would turn a strict-mode `this === undefined` into `null`.
function applyWith(fn: (...a: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
  return fn.apply(self, args);
}

// ---------------------------------------------------------------------------------------------------------
// Starting a call

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

// ---------------------------------------------------------------------------------------------------------
// The context a call runs in

const SPAN_KEY = createContextKey("OpenTelemetry Context Key SPAN");

/** What calltree reads from a context at every call start, computed once per context object. @internal */
interface ContextInfo {
  suppressed: boolean;
  /** The context attributes (session, user, metadata, tags, prompt template, extra attributes), if any is set. */
  attrs: Attributes | undefined;
  /** The extra attributes may hold values masking must see (e.g. long base64 images). */
  masking: boolean;
}

/**
 * The context of a call: its parent's context plus the call's span and the call itself, in one object instead of
 * two derived `Map` copies. Contexts are immutable, so `base` (the nearest context that is not a call's) carries
 * every other value, and a nested call's context points at the same `base`: a lookup never walks a chain. Setting
 * or deleting a value (another instrumentation starting a span inside the call) turns it into an ordinary context
 * once. @internal
 */
class CallContext implements Context {
  private expanded: Context | undefined;
  constructor(
    readonly base: Context,
    readonly span: Span,
    readonly call: Call,
    readonly info: ContextInfo,
  ) {}

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.span;
    if (key === CALL_KEY) return this.call;
    return this.base.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.expand().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.expand().deleteValue(key);
  }

  private expand(): Context {
    return (this.expanded ??= trace.setSpan(this.base, this.span).setValue(CALL_KEY, this.call));
  }
}

// The one-object context relies on the API's span key being `Symbol.for` of its description (true of every
// @opentelemetry/api 1.x); checked once, else calls derive their context the API's way.
const FAST_CONTEXT = (() => {
  try {
    const span = trace.wrapSpanContext({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 });
    return trace.setSpan(ROOT_CONTEXT, span).getValue(SPAN_KEY) === span;
  } catch {
    return false;
  }
})();

const infoCache = new WeakMap<Context, ContextInfo>();

// The context attributes and the suppression flag of `ctx`: a call's context knows them, any other context is
// read once (contexts are immutable) and remembered while it lives.
function contextInfo(ctx: Context): ContextInfo {
  if (ctx instanceof CallContext) return ctx.info;
  let info = infoCache.get(ctx);
  if (info === undefined) {
    const attrs: Attributes = {};
    const masking = contextAttributes(ctx, attrs);
    let any = false;
    for (const _ in attrs) {
      any = true;
      break;
    }
    info = { suppressed: isSuppressed(ctx), attrs: any ? attrs : undefined, masking };
    infoCache.set(ctx, info);
  }
  return info;
}

function callContext(parentCtx: Context, span: Span, call: Call, info: ContextInfo): Context {
  if (!FAST_CONTEXT) return trace.setSpan(parentCtx, span).setValue(CALL_KEY, call);
  return new CallContext(parentCtx instanceof CallContext ? parentCtx.base : parentCtx, span, call, info);
}

function startCall(rec: MethodRecord, tracer: Tracer, parentCtx: Context, info: ContextInfo, thisArg: unknown, args: unknown[]): Call {
  const options = rec.options;
  const plan = rec.plan ?? (rec.plan = startPlan(rec));
  const parent = options.root === true ? undefined : (parentCtx.getValue(CALL_KEY) as Call | undefined);
  const call = new Call(rec, thisArg, args, parent);
  // Attributes beyond the static ones, each source kept as it came (no merged copy: an @llm request brings a
  // hundred keys). Attributes from the user (withAttributes, an `attributes` function) and from the kind may hold
  // long base64 images, which OpenInference masks even with no hide flag set.
  const ctxAttrs = info.attrs;
  let dynamic: Attributes | undefined;
  let kindAttrs: Attributes | undefined;
  let kindRaw = false;
  const extra = options.attributes;
  if (typeof extra === "function") dynamic = guard(call, "attributes option", () => extra(...args)) ?? undefined;
  const onStart = rec.kind.onStart;
  if (onStart !== undefined) {
    const got = (guard(call, "onStart", () => onStart(call)) as Attributes | null | undefined) ?? undefined;
    if (got !== undefined) {
      kindRaw = perKey(rec);
      // Written key by key below when it can be; else scoped (and, with no hide flag set, images masked) here, and
      // with a hide flag set everything is masked together below.
      kindAttrs = kindRaw ? got : kindAttributes(got, rec, !captureConfig().masking);
    }
  }
  let inputValue: string | undefined;
  let inputMime: string | undefined;
  if (
    options.captureInput !== false &&
    args.length > 0 &&
    !plan.staticInput &&
    (kindAttrs?.[INPUT_VALUE] ?? dynamic?.[INPUT_VALUE] ?? ctxAttrs?.[INPUT_VALUE]) === undefined
  ) {
    const input = options.input;
    const value = input !== undefined ? guard(call, "input mapper", () => input(...args)) : argumentsValue(rec, args);
    if (typeof value === "string") {
      inputValue = truncateText(value);
      inputMime = TEXT;
    } else if (value !== undefined) {
      inputValue = jsonOf(value);
      inputMime = JSON_MIME;
    }
  }
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
  // With a hide flag set (or a static value that is an image) everything passes through masking as one object.
  if (!captureConfig().masking && !plan.staticImage) {
    // The static attributes, then the others, then the input: later writes win, as when they were one object.
    const keys = plan.keys;
    const values = plan.values;
    for (let i = 0; i < keys.length; i++) span.setAttribute(keys[i]!, values[i]!);
    if (ctxAttrs !== undefined) writeMasked(span, ctxAttrs, info.masking);
    if (dynamic !== undefined) writeMasked(span, dynamic, true);
    if (kindAttrs !== undefined) {
      if (kindRaw) writeKindAttributes(span, kindAttrs, rec);
      else setEach(span, kindAttrs);
    }
    if (inputValue !== undefined) {
      span.setAttribute(INPUT_VALUE, inputValue);
      span.setAttribute(INPUT_MIME_TYPE, inputMime!);
    }
  } else {
    // Object.assign, not spread: V8 gives a spread copy a map that turns adding the dotted attribute keys below
    // into a slow path (measured: ~2.5 µs for two keys against ~0.1 µs).
    const attrs: Attributes = Object.assign({}, rec.staticAttributes, ctxAttrs, dynamic, kindAttrs);
    if (inputValue !== undefined) {
      attrs[INPUT_VALUE] = inputValue;
      attrs[INPUT_MIME_TYPE] = inputMime;
    }
    maskAttributes(attrs);
    // The kind went with the span options; anything else masked away is simply not written.
    if (attrs[KIND_KEY] === plan.kind) delete attrs[KIND_KEY];
    setEach(span, attrs);
  }
  call.ctx = callContext(parentCtx, span, call, info);
  return call;
}

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
  checkContextManager();
  const parentCtx = context.active();
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
    result = context.with(call.ctx, applyWith, undefined, rec.fn, thisArg, args);
  } catch (error) {
    call.fail(error);
    throw error;
  }
  call.thisArg = undefined;
  return settle(call, result);
}

// ---------------------------------------------------------------------------------------------------------
// Results: promises and streams

function settle(call: Call, result: unknown): unknown {
  try {
    if (result !== null && (typeof result === "object" || typeof result === "function")) {
      if (result instanceof Promise) return observePromise(call, result);
      const shape = streamShape(result);
      if (shape !== undefined) return observeStream(call, result as object, shape);
    }
    call.succeed(result);
  } catch (e) {
    reportOnce(`settle:${call.rec.kind.name}`, "could not observe a result; its span ended early", e);
    if (!call.ended) call.end(EMPTY);
  }
  return result;
}

/** Called with a Promise's value: a stream is observed further, anything else ends the span. */
function resolved(call: Call, value: unknown): unknown {
  try {
    if (value !== null && typeof value === "object") {
      const shape = streamShape(value);
      if (shape !== undefined) return observeStream(call, value, shape);
    }
    call.succeed(value);
  } catch (e) {
    reportOnce(`settle:${call.rec.kind.name}`, "could not observe a result; its span ended early", e);
    if (!call.ended) call.end(EMPTY);
  }
  return value;
}

function observePromise(call: Call, promise: Promise<unknown>): unknown {
  if (promise.constructor === Promise) {
    if (!isAsyncFunction(call.rec.fn)) return observeSharedPromise(call, promise);
    // The Promise of an async function is known to nobody but the caller, so it is returned as a Promise that
    // settles the same way: the caller handling it (or not) is what Node sees, so an unhandled rejection stays
    // unhandled and a handled one is never reported twice.
    return promise.then(
      (value) => resolved(call, value),
      (error) => {
        call.fail(error);
        throw error;
      },
    );
  }
  return observePromiseSubclass(call, promise);
}

const promiseThen = Promise.prototype.then;
const AsyncFunctionPrototype: object = Object.getPrototypeOf(async function () {});

function isAsyncFunction(fn: Function): boolean {
  return Object.getPrototypeOf(fn) === AsyncFunctionPrototype;
}

// A Promise returned by any other function may be held elsewhere too (a cache, a job with its own `.catch`), so
// the caller gets that very Promise: a derived one in its place would be a second Promise that nobody handles,
// a spurious `unhandledRejection`. It is observed through a reaction that never rejects. The span ends when it
// settles; a stream it resolves to is observed in place where that is possible (iterators, async iterables).
function observeSharedPromise(call: Call, promise: Promise<unknown>): unknown {
  promiseThen.call(
    promise,
    (value) => {
      try {
        if (value !== null && typeof value === "object") {
          const shape = streamShape(value);
          // The caller reads the resolved value itself: a web ReadableStream cannot be swapped for an observed
          // copy here, so its span ends now.
          if (shape !== undefined && shape !== "readable-stream") {
            observeStream(call, value, shape);
            return;
          }
        }
        call.succeed(value);
      } catch (e) {
        reportOnce(`settle:${call.rec.kind.name}`, "could not observe a result; its span ended early", e);
        if (!call.ended) call.end(EMPTY);
      }
    },
    (error) => {
      try {
        call.fail(error);
      } catch (e) {
        reportOnce(`settle:${call.rec.kind.name}`, "could not record a rejection", e);
      }
    },
  );
  return promise;
}

// A Promise subclass (e.g. the openai SDK's APIPromise) is returned as the same object, with its class and
// methods. Calling its `then` early could change what it does (APIPromise parses the body on `then`, and
// `asResponse()` needs it unread), so the span ends when the caller first consumes it: through `then` (also
// `await`, `catch`, `finally`) or any promise-returning method of the subclass (`withResponse()`).
function observePromiseSubclass(call: Call, promise: Promise<unknown>): unknown {
  let seen = false;
  const target = promise as unknown as Record<PropertyKey, unknown>;
  const originalThen = target.then as Promise<unknown>["then"];
  const patched: Record<PropertyKey, unknown> = {
    then(this: Promise<unknown>, onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) {
      if (seen) return originalThen.call(this, onFulfilled, onRejected);
      seen = true;
      return originalThen.call(
        this,
        (value) => {
          const v = resolved(call, value);
          return typeof onFulfilled === "function" ? onFulfilled(v) : v;
        },
        (error) => {
          call.fail(error);
          if (typeof onRejected === "function") return onRejected(error);
          throw error;
        },
      );
    },
  };
  for (let p = Object.getPrototypeOf(promise); p !== null && p !== Promise.prototype; p = Object.getPrototypeOf(p)) {
    for (const key of Reflect.ownKeys(p)) {
      if (key === "constructor" || key === "then" || key in patched) continue;
      const desc = Object.getOwnPropertyDescriptor(p, key);
      if (desc === undefined || typeof desc.value !== "function") continue;
      const method = desc.value as (...a: unknown[]) => unknown;
      patched[key] = function (this: unknown, ...a: unknown[]) {
        const r = method.apply(this, a);
        if (seen || !(r instanceof Promise)) return r;
        seen = true;
        return r.then(
          (value) => {
            call.succeed(value);
            return value;
          },
          (error) => {
            call.fail(error);
            throw error;
          },
        );
      };
    }
  }
  for (const key of Reflect.ownKeys(patched)) {
    Object.defineProperty(promise, key, { value: patched[key], configurable: true, writable: true, enumerable: false });
  }
  watch(call, promise);
  return promise;
}

type StreamShape = "iterator" | "async-iterator" | "async-iterable" | "readable-stream";

function streamShape(value: object): StreamShape | undefined {
  const v = value as Record<PropertyKey, unknown>;
  if (typeof v.next === "function") {
    const tag = v[Symbol.toStringTag];
    if (tag === "Generator") return "iterator";
    if (tag === "AsyncGenerator") return "async-iterator";
  }
  if (typeof ReadableStream === "function" && value instanceof ReadableStream) return "readable-stream";
  if (typeof v[Symbol.asyncIterator] === "function") return "async-iterable";
  return undefined;
}

function observeStream(call: Call, stream: object, shape: StreamShape): unknown {
  call.lastActivity = Date.now();
  switch (shape) {
    case "iterator":
      instrumentIterator(call, stream as Iterator<unknown>, false);
      break;
    case "async-iterator":
      instrumentIterator(call, stream as AsyncIterator<unknown>, true);
      break;
    case "async-iterable":
      instrumentIterable(call, stream);
      break;
    case "readable-stream":
      return wrapReadableStream(call, stream as ReadableStream<unknown>);
  }
  watch(call, stream);
  return stream;
}

const instrumented = new WeakSet<object>();

function define(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: false });
}

// Iterators are instrumented in place (own `next`/`return`/`throw` shadowing the prototype's): the caller keeps
// the very object the function returned, and each step runs in the call's context, so spans started while
// producing a chunk are children of the generator's span.
function instrumentIterator(call: Call, it: Iterator<unknown> | AsyncIterator<unknown>, isAsync: boolean): void {
  if (instrumented.has(it)) return;
  instrumented.add(it);
  const target = it as unknown as Record<string, (...a: unknown[]) => unknown>;
  const next = target.next!;
  const ret = target.return;
  const thr = target.throw;
  const step = (method: (...a: unknown[]) => unknown, self: unknown, a: unknown[], closing: boolean): unknown => {
    // An inner layer of the same stream (an SDK's iterator reading its own instrumented `iterator()`, a telemetry
    // wrapper around it): the outermost layer, the one the app reads, counts each chunk and the end once.
    if (call.ended || context.active().getValue(STREAM_LAYER_KEY) === call) return method.apply(self, a);
    let r: unknown;
    try {
      r = context.with(streamContext(call), applyWith, undefined, method, self, a);
    } catch (error) {
      call.finishStream("errored", error);
      throw error;
    }
    if (isAsync && r instanceof Promise) {
      return r.then(
        (res) => {
          afterStep(call, res, closing);
          return res;
        },
        (error) => {
          call.finishStream("errored", error);
          throw error;
        },
      );
    }
    afterStep(call, r, closing);
    return r;
  };
  define(it, "next", function (this: unknown, ...a: unknown[]) {
    return step(next, this, a, false);
  });
  if (typeof ret === "function") {
    define(it, "return", function (this: unknown, ...a: unknown[]) {
      return step(ret, this, a, true);
    });
  }
  if (typeof thr === "function") {
    define(it, "throw", function (this: unknown, ...a: unknown[]) {
      return step(thr, this, a, false);
    });
  }
}

// Marks a context as inside a step of this call's returned stream (the value is the call).
const STREAM_LAYER_KEY = createContextKey("calltree stream layer v1");

function streamContext(call: Call): Context {
  return (call.streamCtx ??= call.ctx.setValue(STREAM_LAYER_KEY, call));
}

function afterStep(call: Call, res: unknown, closing: boolean): void {
  if (call.ended) return;
  try {
    const r = res as IteratorResult<unknown> | undefined;
    if (r !== null && typeof r === "object" && r.done === true) call.finishStream(closing ? "cancelled" : "completed");
    else if (r !== null && typeof r === "object") {
      call.chunk(r.value);
      if (closing) call.finishStream("cancelled");
    }
  } catch (e) {
    reportOnce(`chunk:${call.rec.kind.name}`, "could not record a stream chunk", e);
  }
}

// An async iterable that is not itself an iterator (the openai SDK's Stream, a ReadableStream-like object):
// its iterator factories are wrapped in place, so `for await`, and SDK helpers that call the instance's own
// `iterator()` (Stainless SDKs' `tee()` and `toReadableStream()`), all run through the instrumented iterator.
function instrumentIterable(call: Call, iterable: object): void {
  const target = iterable as Record<PropertyKey, unknown>;
  const wrapFactory = (key: PropertyKey) => {
    const factory = target[key];
    if (typeof factory !== "function") return;
    define(iterable, key, function (this: unknown, ...a: unknown[]) {
      const it = (factory as (...a: unknown[]) => unknown).apply(this, a);
      if (it !== null && typeof it === "object" && typeof (it as { next?: unknown }).next === "function") {
        instrumentIterator(call, it as AsyncIterator<unknown>, true);
        watchAlso(call, it);
      }
      return it;
    });
  };
  wrapFactory(Symbol.asyncIterator);
  if (Object.prototype.hasOwnProperty.call(iterable, "iterator")) wrapFactory("iterator");
}

// A web ReadableStream cannot be observed in place (piping uses internal readers), so the caller gets a
// ReadableStream of the same chunks that reads the original only when it is read itself (highWaterMark 0). A
// byte stream (fetch's `Response.body`) gives a byte stream, so `getReader({ mode: "byob" })` still works.
// Cancelling it cancels the original with the same reason. A stream already locked is returned as it is.
function wrapReadableStream(call: Call, source: ReadableStream<unknown>): ReadableStream<unknown> {
  if (source.locked) {
    call.succeed(source);
    return source;
  }
  const bytes = isByteStream(source);
  const reader = source.getReader();
  const pull = (controller: ReadableStreamDefaultController<unknown> | ReadableByteStreamController): Promise<void> =>
    context.with(streamContext(call), () => reader.read()).then(
      (r): Promise<void> | undefined => {
        if (r.done) {
          call.finishStream("completed");
          controller.close();
          // A pending BYOB read is answered with an empty view once the stream is closed.
          if (bytes) (controller as ReadableByteStreamController).byobRequest?.respond(0);
          return;
        }
        call.chunk(r.value);
        if (!bytes) {
          (controller as ReadableStreamDefaultController<unknown>).enqueue(r.value);
          return;
        }
        const view = r.value as ArrayBufferView;
        if (!ArrayBuffer.isView(r.value)) throw new TypeError("a byte stream produced a chunk that is not an ArrayBufferView");
        if (view.byteLength === 0) return pull(controller);
        try {
          (controller as ReadableByteStreamController).enqueue(view);
        } catch {
          // A buffer that cannot be transferred (shared, or a view of a larger pool): enqueue a copy.
          const copy = new Uint8Array(view.byteLength);
          copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
          (controller as ReadableByteStreamController).enqueue(copy);
        }
      },
      (error) => {
        call.finishStream("errored", error);
        controller.error(error);
      },
    );
  const cancel = (reason: unknown) => {
    call.finishStream("cancelled");
    return reader.cancel(reason);
  };
  const out = bytes
    ? new ReadableStream({ type: "bytes", pull, cancel }, { highWaterMark: 0 })
    : new ReadableStream<unknown>({ pull, cancel }, { highWaterMark: 0 });
  watch(call, out);
  return out as ReadableStream<unknown>;
}

function isByteStream(stream: ReadableStream<unknown>): boolean {
  try {
    // Only a byte stream hands out a BYOB reader; releasing it at once leaves the stream as it was.
    (stream as ReadableStream<Uint8Array>).getReader({ mode: "byob" }).releaseLock();
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Streams and promises nobody consumes: their span ends after an idle time, or when they are collected.

// A call is abandoned only when every object the app could still read it through is gone: `for await` keeps the
// iterator it took from the returned stream and may drop the stream itself (the openai SDK's iterator holds no
// reference to its Stream), so a collected stream alone says nothing.
const registry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Call>((call) => {
        if (--call.liveTargets <= 0 && !call.ended) call.finishStream("abandoned");
      })
    : undefined;

function checkIdle(call: Call): void {
  if (call.ended) return;
  const idle = captureConfig().streamIdleTimeoutMs;
  const quiet = Date.now() - call.lastActivity;
  if (quiet >= idle) call.finishStream("abandoned");
  else armTimer(call, idle - quiet);
}

function armTimer(call: Call, ms: number): void {
  const t = setTimeout(checkIdle, ms, call);
  (t as { unref?: () => void }).unref?.();
  call.timer = t;
}

function watch(call: Call, target: object): void {
  if (call.ended) return;
  call.lastActivity = Date.now();
  call.watched = true;
  watchAlso(call, target);
  armTimer(call, captureConfig().streamIdleTimeoutMs);
}

/** Registers one more object the app reads the call's stream through (see the registry above). */
function watchAlso(call: Call, target: object): void {
  if (registry === undefined || call.ended) return;
  call.liveTargets++;
  registry.register(target, call, call);
}

function unwatch(call: Call): void {
  registry?.unregister(call);
}

/**
 * A span processor (it implements OpenTelemetry's `SpanProcessor` interface structurally) that tells calltree
 * calls about spans that ran inside them, e.g. the LLM span an OpenInference auto-instrumentation makes for an SDK
 * call inside an `@llm` method: the kind's `onChildSpan` hook sees the child when it ends, with all its attributes.
 * `register()` and the testing kit install it; add it to your own provider if you build one. It never throws and
 * does no work for spans outside calltree calls whose kind has no such hook.
 */
export function createCalltreeSpanProcessor(): {
  onStart(span: ChildSpan, parentContext: Context): void;
  onEnd(span: ChildSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
} {
  const parents = new WeakMap<object, Call>();
  return {
    onStart(span, parentContext) {
      const call = parentContext?.getValue(CALL_KEY) as Call | undefined;
      if (call === undefined || call.closed || call.rec.kind.onChildSpan === undefined) return;
      parents.set(span, call);
    },
    onEnd(span) {
      const call = parents.get(span);
      if (call === undefined) return;
      parents.delete(span);
      const hook = call.rec.kind.onChildSpan;
      // Until the call's own span closes (a stream's span may wait for pending work after the call ended), a
      // child is still the call's to account for.
      if (hook !== undefined && !call.closed) guard(call, "onChildSpan", () => hook(span, call));
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
