import type { Attributes, AttributeValue, Span } from "@opentelemetry/api";
import { MimeType, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import type { AttributeList } from "../../attribute-list.js";
import { captureConfig } from "../../capture/config.js";
import { maskAttributes } from "../../capture/mask.js";
import { scopeAttributes } from "../../capture/scope.js";
import { safeJson, truncateText } from "../../capture/serialize.js";
import type { MethodRecord } from "./types.js";

// The attribute keys of the hot path, copied once: the CommonJS build would otherwise read each one through two
// re-export getters on every call (measured ~180 ns per call).
export const KIND_KEY = SC.OPENINFERENCE_SPAN_KIND;
export const INPUT_VALUE = SC.INPUT_VALUE;
export const INPUT_MIME_TYPE = SC.INPUT_MIME_TYPE;
export const OUTPUT_VALUE = SC.OUTPUT_VALUE;
export const OUTPUT_MIME_TYPE = SC.OUTPUT_MIME_TYPE;
const TEXT = MimeType.TEXT;
const JSON_MIME = MimeType.JSON;

/** No attributes (compared by identity: nothing to write). */
export const EMPTY: Attributes = Object.freeze({}) as Attributes;

// ---------------------------------------------------------------------------------------------------------
// A captured value (an input, an output, a stream's collected chunks) as the text and MIME type recorded for it: a
// string is `text/plain`, cut to the capture limit; anything else is JSON.

/** The recorded text of a captured value. */
export function valueText(value: unknown): string {
  return typeof value === "string" ? truncateText(value) : jsonOf(value);
}

/** The MIME type recorded with {@link valueText}. */
export function mimeType(value: unknown): string {
  return typeof value === "string" ? TEXT : JSON_MIME;
}

// JSON of a captured value; numbers and booleans skip the safe walker (the common trivial case on the hot path).
function jsonOf(value: unknown): string {
  const t = typeof value;
  if (t === "number") return Number.isFinite(value) ? String(value) : "null";
  if (t === "boolean") return value ? "true" : "false";
  return safeJson(value);
}

// ---------------------------------------------------------------------------------------------------------
// Writing attributes

// Arrays are copied, as the SDK copies start attributes: a context's tag list is shared by every span made under it.
// One `setAttribute` each: the SDK's `setAttributes` walks the object with a `hasOwnProperty` per key.
export function setEach(span: Span, attrs: Attributes): void {
  for (const key in attrs) {
    const value = attrs[key];
    if (value !== undefined) span.setAttribute(key, Array.isArray(value) ? value.slice() : value);
  }
}

/** A copy of attributes from a kind or the recorder API, masked and scoped (`captureInput`/`captureOutput`). */
export function maskedCopy(attrs: Attributes, rec: MethodRecord): Attributes {
  return scopeAttributes(maskAttributes(Object.assign({}, attrs)), rec.options, rec.kind.dataKeys);
}

// Writes attributes that came from the user or a kind. With no hide flag set, masking changes only long base64
// images (`data:image/` strings); only then is a masked copy made (the kind may share the object it returned).
export function writeMasked(span: Span, attrs: Attributes, check: boolean): void {
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

// A kind hook's attributes as they will be written: the hook's own object when scoping (and masking) would change
// nothing in it, else a scoped copy (a hook may return an object it shares, so it is never changed in place).
// An @llm request brings a hundred keys: the copy was a third of the call's cost.
export function kindAttributes(got: Attributes, rec: MethodRecord, mask: boolean): Attributes {
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
export function perKey(rec: MethodRecord): boolean {
  return !captureConfig().masking && rec.options.captureInput !== false && rec.options.captureOutput !== false;
}

// Writes a kind's attributes in one pass when perKey(rec): a value the capture must change (a string over the
// limit, a `data:image/` string, an array) goes through scoping and masking on its own (both work key by key);
// every other value is written as it is. The kind's object is never changed.
export function writeKindAttributes(span: Span, got: Attributes, rec: MethodRecord): void {
  const max = captureConfig().maxValueLength;
  for (const key in got) {
    const value = got[key];
    if (value !== undefined) writeKindValue(span, key, value, rec, max);
  }
}

/** {@link writeKindAttributes} of an {@link AttributeList}: the same writing, pair by pair, in the list's order. */
export function writeKindList(span: Span, list: AttributeList, rec: MethodRecord): void {
  const max = captureConfig().maxValueLength;
  const keys = list.keys;
  const values = list.values;
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    if (value !== undefined) writeKindValue(span, keys[i]!, value, rec, max);
  }
}

// One value of a kind's attributes, when perKey(rec): written as it is, unless the capture must change it.
export function writeKindValue(span: Span, key: string, value: AttributeValue, rec: MethodRecord, max: number): void {
  if (typeof value === "string") {
    if (value.length <= max && (value.charCodeAt(0) !== 100 /* d */ || !value.startsWith("data:image/"))) {
      span.setAttribute(key, value);
      return;
    }
  } else if (!Array.isArray(value)) {
    span.setAttribute(key, value);
    return;
  }
  const one: Attributes = {};
  one[key] = value;
  setEach(span, scopeAttributes(maskAttributes(one), rec.options, rec.kind.dataKeys));
}
