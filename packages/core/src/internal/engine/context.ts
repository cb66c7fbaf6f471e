// The context a call runs in, and what calltree reads from the context a call starts in.
import { createContextKey, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import type { Attributes, Context, Span } from "@opentelemetry/api";
import { contextAttributes, isSuppressed } from "../../context.js";
import { CALL_KEY } from "./call.js";
import type { Call } from "./call.js";

const SPAN_KEY = createContextKey("OpenTelemetry Context Key SPAN");

/** What calltree reads from a context at every call start, computed once per context object. @internal */
export interface ContextInfo {
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

function readInfo(ctx: Context): ContextInfo {
  const attrs: Attributes = {};
  const masking = contextAttributes(ctx, attrs);
  let any = false;
  for (const _ in attrs) {
    any = true;
    break;
  }
  return { suppressed: isSuppressed(ctx), attrs: any ? attrs : undefined, masking };
}

// The root context holds no value, ever: every top-level call starts there.
const ROOT_INFO: ContextInfo = readInfo(ROOT_CONTEXT);

/**
 * The context attributes and the suppression flag of `ctx`: a call's context knows them, the root context has none,
 * any other context is read once (contexts are immutable) and remembered while it lives.
 */
export function contextInfo(ctx: Context): ContextInfo {
  if (ctx === ROOT_CONTEXT) return ROOT_INFO;
  if (ctx instanceof CallContext) return ctx.info;
  let info = infoCache.get(ctx);
  if (info === undefined) {
    info = readInfo(ctx);
    infoCache.set(ctx, info);
  }
  return info;
}

/** The context `call` runs in: `parentCtx` with the call's span and the call. */
export function callContext(parentCtx: Context, span: Span, call: Call, info: ContextInfo): Context {
  if (!FAST_CONTEXT) return trace.setSpan(parentCtx, span).setValue(CALL_KEY, call);
  return new CallContext(parentCtx instanceof CallContext ? parentCtx.base : parentCtx, span, call, info);
}

// Calls `fn` with `self` as `this`. Passed to `context.with` instead of binding: AsyncLocalStorage.run calls its
// callback with `this === null`, which would turn a strict-mode `this === undefined` into `null`.
export function applyWith(fn: (...a: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
  return fn.apply(self, args);
}
