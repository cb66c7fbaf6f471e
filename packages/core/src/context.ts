import { context, createContextKey, isSpanContextValid, propagation, trace } from "@opentelemetry/api";
import type { Attributes, Context, TextMapGetter } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { captureConfig } from "./capture/config.js";
import { safeJson, truncateText, TRUNCATION_MARKER } from "./capture/serialize.js";
import { isAttributeValue } from "./internal/attribute-value.js";
import { reportOnce } from "./internal/diagnostics.js";

// The same keys as @arizeai/openinference-core: `createContextKey` is `Symbol.for(description)`, so values
// set by OpenInference's setters are read here, and values set here reach OpenInference instrumentations.
// The value formats match too: metadata, tags, attributes and prompt variables are JSON strings.
const oiKey = (name: string) => createContextKey(`OpenInference SDK Context Key ${name}`);
const SESSION_KEY = oiKey(SC.SESSION_ID);
const USER_KEY = oiKey(SC.USER_ID);
const METADATA_KEY = oiKey(SC.METADATA);
const TAGS_KEY = oiKey(SC.TAG_TAGS);
const TEMPLATE_KEY = oiKey(SC.PROMPT_TEMPLATE_TEMPLATE);
const VARIABLES_KEY = oiKey(SC.PROMPT_TEMPLATE_VARIABLES);
const VERSION_KEY = oiKey(SC.PROMPT_TEMPLATE_VERSION);
const ATTRIBUTES_KEY = oiKey("attributes");
// The JSON values calltree's own helpers wrote (already redacted and bounded), kept beside them under keys of
// our own: a value that differs (set by OpenInference's setters) is redacted and bounded when a span copies it.
const CLEAN_METADATA_KEY = createContextKey("calltree clean metadata v1");
const CLEAN_VARIABLES_KEY = createContextKey("calltree clean prompt variables v1");
// The key of @opentelemetry/core's suppressTracing(): the SDK itself then records nothing.
const SUPPRESS_KEY = createContextKey("OpenTelemetry SDK Context Key SUPPRESS_TRACING");

/** A prompt template, as OpenInference records it on spans made while it is set. */
export interface PromptTemplate {
  template: string;
  variables?: Record<string, unknown>;
  version?: string;
}

// Runs `fn` in the context `build` makes. If building it fails (a throwing getter or Proxy in the values), `fn`
// runs in the current context instead: a context helper never throws into the app, and `fn`'s own errors pass
// through untouched.
function runWith<T>(build: () => Context, fn: () => T): T {
  let ctx: Context | undefined;
  try {
    ctx = build();
  } catch (e) {
    reportOnce("context-helper", "a context helper could not read its values; running without them", e);
  }
  return ctx === undefined ? fn() : context.with(ctx, fn);
}

// A JSON round trip through the safe serializer: a plain object of the readable values, secrets redacted.
function plainObject(value: unknown): Record<string, unknown> {
  return parseObject(safeJson(value)) ?? {};
}

/**
 * Runs `fn` with `sessionId` as the session: every span started inside it (calltree's and OpenInference
 * instrumentations') carries `session.id`. Returns what `fn` returns, unchanged. Phoenix binds a trace to the
 * first session it sees, so keep one session per trace.
 */
export function withSession<T>(sessionId: string, fn: () => T): T {
  return runWith(() => context.active().setValue(SESSION_KEY, truncateText(String(sessionId))), fn);
}

/** Runs `fn` with `userId` as `user.id` on every span started inside it. Returns what `fn` returns. */
export function withUser<T>(userId: string, fn: () => T): T {
  return runWith(() => context.active().setValue(USER_KEY, truncateText(String(userId))), fn);
}

function parseObject(json: unknown): Record<string, unknown> | undefined {
  if (typeof json !== "string") return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseStrings(json: unknown): string[] | undefined {
  if (typeof json !== "string") return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) && v.every((t) => typeof t === "string") ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` with `metadata` merged (shallowly) into the metadata already set, recorded as the JSON attribute
 * `metadata` on every span started inside it. Secret-looking keys are redacted. Returns what `fn` returns.
 */
export function withMetadata<T>(metadata: Record<string, unknown>, fn: () => T): T {
  return runWith(() => {
    const ctx = context.active();
    const merged = Object.assign({}, parseObject(ctx.getValue(METADATA_KEY)), plainObject(metadata));
    const json = safeJson(merged);
    return ctx.setValue(METADATA_KEY, json).setValue(CLEAN_METADATA_KEY, json);
  }, fn);
}

/** Runs `fn` with `tags` added to the tags already set (`tag.tags` on every span inside). Returns what `fn` returns. */
export function withTags<T>(tags: readonly string[], fn: () => T): T {
  return runWith(() => {
    const ctx = context.active();
    const merged = [...new Set([...(parseStrings(ctx.getValue(TAGS_KEY)) ?? []), ...Array.from(tags, String)])];
    return ctx.setValue(TAGS_KEY, JSON.stringify(boundTags(merged)));
  }, fn);
}

/**
 * Runs `fn` with a prompt template: `llm.prompt_template.template`, `.variables` (JSON) and `.version` on every
 * span started inside it. Returns what `fn` returns.
 */
export function withPromptTemplate<T>(promptTemplate: PromptTemplate, fn: () => T): T {
  return runWith(() => {
    let ctx = context.active().setValue(TEMPLATE_KEY, truncateText(String(promptTemplate.template)));
    if (promptTemplate.variables !== undefined) {
      const json = safeJson(promptTemplate.variables);
      ctx = ctx.setValue(VARIABLES_KEY, json).setValue(CLEAN_VARIABLES_KEY, json);
    }
    if (promptTemplate.version !== undefined) ctx = ctx.setValue(VERSION_KEY, truncateText(String(promptTemplate.version)));
    return ctx;
  }, fn);
}

/**
 * Runs `fn` with extra attributes (merged into those already set) on every span started inside it.
 * Returns what `fn` returns.
 */
export function withAttributes<T>(attributes: Attributes, fn: () => T): T {
  return runWith(() => {
    const ctx = context.active();
    const merged = Object.assign({}, parseObject(ctx.getValue(ATTRIBUTES_KEY)), plainObject(attributes));
    return ctx.setValue(ATTRIBUTES_KEY, safeJson(merged));
  }, fn);
}

/**
 * Runs `fn` with tracing suppressed: no span is recorded inside it, neither by calltree nor by the OpenTelemetry
 * SDK (it is OpenTelemetry's own suppression flag). Useful around the exporter's own HTTP calls or health checks.
 */
export function suppressTracing<T>(fn: () => T): T {
  return runWith(() => context.active().setValue(SUPPRESS_KEY, true), fn);
}

/** True if tracing is suppressed in `ctx`. @internal */
export function isSuppressed(ctx: Context): boolean {
  return ctx.getValue(SUPPRESS_KEY) === true;
}

/** Incoming request headers: a fetch `Headers`, or Node's `IncomingHttpHeaders`-like object. */
export type HeaderCarrier = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

const headerGetter: TextMapGetter<HeaderCarrier> = {
  keys(carrier) {
    if (typeof (carrier as Headers).forEach === "function" && typeof (carrier as Headers).get === "function") {
      const keys: string[] = [];
      (carrier as Headers).forEach((_v, k) => keys.push(k));
      return keys;
    }
    return Object.keys(carrier);
  },
  get(carrier, key) {
    if (typeof (carrier as { get?: unknown }).get === "function") return (carrier as { get(k: string): string | null }).get(key) ?? undefined;
    const record = carrier as Record<string, string | string[] | undefined>;
    const found = Object.keys(record).find((k) => k.toLowerCase() === key);
    return found === undefined ? undefined : record[found];
  },
};

/**
 * The headers that carry the active trace to another process (W3C `traceparent`, `tracestate`, and `baggage`),
 * added to `headers` (or a new object) and returned. Put them on an outgoing request made inside a decorated call;
 * the receiving side runs its handler in {@link withTraceHeaders}, and both halves are one trace. Uses the
 * OpenTelemetry global propagator, which `register()` sets to W3C trace context and baggage. Never throws.
 */
export function traceHeaders(headers: Record<string, string> = {}): Record<string, string> {
  try {
    propagation.inject(context.active(), headers);
  } catch (e) {
    reportOnce("trace-headers", "could not write trace headers", e);
  }
  return headers;
}

/**
 * Runs `fn` as a continuation of the trace carried by incoming request `headers` (see {@link traceHeaders}): a
 * decorated handler called inside becomes a child of the caller's span in the other process. Returns what `fn`
 * returns; headers without a trace leave the current context as it is.
 */
export function withTraceHeaders<T>(headers: HeaderCarrier, fn: () => T): T {
  return runWith(() => propagation.extract(context.active(), headers, headerGetter), fn);
}

/** The trace id of the active span, or `undefined` outside any recorded span. */
export function currentTraceId(): string | undefined {
  const sc = trace.getSpan(context.active())?.spanContext();
  return sc !== undefined && isSpanContextValid(sc) ? sc.traceId : undefined;
}

// Tags copied onto every span: each cut at the value limit, and together within it; the tags left out are counted
// in a last `…[truncated N more tags]` tag.
function boundTags(tags: string[]): string[] {
  const max = captureConfig().maxValueLength;
  let sum = 0;
  for (const tag of tags) sum += tag.length;
  if (sum <= max) return tags;
  // Room for the marker tag that says how many were left out.
  const room = max - 40;
  let total = 0;
  const kept: string[] = [];
  for (let i = 0; i < tags.length; i++) {
    const tag = truncateText(tags[i]!, room);
    if (total + tag.length > room) return [...kept, `${TRUNCATION_MARKER.slice(0, -1)} ${tags.length - i} more tags]`];
    total += tag.length;
    kept.push(tag);
  }
  return kept;
}

// A string value from the context, within the value limit (a length check: nothing to do for short values).
function bounded(value: string): string {
  return value.length > captureConfig().maxValueLength ? truncateText(value) : value;
}

// A JSON value from the context that calltree's own helper did not write (OpenInference's setters): redacted and
// bounded by a round trip through the safe serializer, remembered for the next span.
let cleanMemo: [unknown, string] = [undefined, ""];
function cleanJson(ctx: Context, value: string, cleanKey: symbol): string {
  if (ctx.getValue(cleanKey) === value && value.length <= captureConfig().maxValueLength) return value;
  if (cleanMemo[0] !== value) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = value;
    }
    cleanMemo = [value, safeJson(parsed)];
  }
  return cleanMemo[1];
}

// Tag lists and attribute bags are stored as JSON; keep the last parse so every span start does not re-parse.
let tagsMemo: [unknown, string[] | undefined] = [undefined, undefined];
let attrsMemo: [unknown, Record<string, unknown> | undefined] = [undefined, undefined];

// Attribute keys copied once (the CommonJS build would read them through re-export getters on every span start).
const ATTR_SESSION_ID = SC.SESSION_ID;
const ATTR_USER_ID = SC.USER_ID;
const ATTR_METADATA = SC.METADATA;
const ATTR_TAG_TAGS = SC.TAG_TAGS;
const ATTR_PROMPT_TEMPLATE_TEMPLATE = SC.PROMPT_TEMPLATE_TEMPLATE;
const ATTR_PROMPT_TEMPLATE_VARIABLES = SC.PROMPT_TEMPLATE_VARIABLES;
const ATTR_PROMPT_TEMPLATE_VERSION = SC.PROMPT_TEMPLATE_VERSION;

/**
 * Copies the context attributes of `ctx` (session, user, metadata, tags, prompt template, extra attributes) onto
 * `target`, as OpenInference does for its spans. @internal
 */
export function contextAttributes(ctx: Context, target: Attributes): boolean {
  const session = ctx.getValue(SESSION_KEY);
  if (typeof session === "string") target[ATTR_SESSION_ID] = bounded(session);
  const user = ctx.getValue(USER_KEY);
  if (typeof user === "string") target[ATTR_USER_ID] = bounded(user);
  const metadata = ctx.getValue(METADATA_KEY);
  if (typeof metadata === "string") target[ATTR_METADATA] = cleanJson(ctx, metadata, CLEAN_METADATA_KEY);
  const tags = ctx.getValue(TAGS_KEY);
  if (tags !== undefined) {
    if (tagsMemo[0] !== tags) {
      const parsed = parseStrings(tags);
      tagsMemo = [tags, parsed === undefined ? undefined : boundTags(parsed)];
    }
    if (tagsMemo[1] !== undefined) target[ATTR_TAG_TAGS] = tagsMemo[1];
  }
  const template = ctx.getValue(TEMPLATE_KEY);
  if (typeof template === "string") {
    target[ATTR_PROMPT_TEMPLATE_TEMPLATE] = bounded(template);
    const variables = ctx.getValue(VARIABLES_KEY);
    if (typeof variables === "string") target[ATTR_PROMPT_TEMPLATE_VARIABLES] = cleanJson(ctx, variables, CLEAN_VARIABLES_KEY);
    const version = ctx.getValue(VERSION_KEY);
    if (typeof version === "string") target[ATTR_PROMPT_TEMPLATE_VERSION] = bounded(version);
  }
  const extra = ctx.getValue(ATTRIBUTES_KEY);
  if (extra !== undefined) {
    if (attrsMemo[0] !== extra) attrsMemo = [extra, parseObject(extra)];
    const bag = attrsMemo[1];
    if (bag !== undefined) for (const k of Object.keys(bag)) if (isAttributeValue(bag[k])) target[k] = bag[k];
    return bag !== undefined;
  }
  return false;
}
