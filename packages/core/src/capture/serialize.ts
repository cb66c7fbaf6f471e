import { captureConfig } from "./config.js";

/** Placed where a value was cut to fit the size limit. */
export const TRUNCATION_MARKER = "…[truncated]";
/** Replaces the value of a secret-looking key. */
export const REDACTED = "[REDACTED]";

const toStr = Object.prototype.toString;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Cuts `text` to at most `max` code units, ending with a marker that says how long it was. Never splits a
 * surrogate pair.
 */
export function truncateText(text: string, max = captureConfig().maxValueLength): string {
  if (text.length <= max) return text;
  const marker = `${TRUNCATION_MARKER.slice(0, -1)} ${text.length} chars]`;
  let cut = Math.max(0, max - marker.length);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + marker;
}

interface Walk {
  out: string[];
  len: number;
  limit: number;
  maxDepth: number;
  redact: ((key: string) => boolean) | undefined;
  path: unknown[];
  full: boolean;
}

function push(w: Walk, s: string): void {
  w.out.push(s);
  w.len += s.length;
}

// Every open container keeps LEVEL_RESERVE code units back for what it may still have to write when it is cut
// short (a `,"…":"…[truncated N more keys]"` marker and its closing bracket), so that the final text stays
// within the limit however deep the cut happens.
const LEVEL_RESERVE = 42;
// Room an array item or object value must have before it is written: the longest unchecked scalar (an ISO
// date with an extended year, 29 units) or the opening of a container plus that container's reserve.
const VALUE_ROOM = 48;
// The longest `…[truncated N chars]` suffix (N below 2^53) plus the two quotes around a cut string.
const STRING_MARKER_ROOM = 40;

function room(w: Walk): number {
  return w.limit - w.len - w.path.length * LEVEL_RESERVE;
}

function cutBefore(s: string, cut: number): number {
  const code = s.charCodeAt(cut - 1);
  return code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut;
}

// Writes `s` as a JSON string within the room left. Lengths are measured after escaping: a control character
// or a lone surrogate takes six code units once escaped, so the raw length alone would overshoot the limit.
function pushString(w: Walk, s: string): void {
  const avail = room(w);
  if (s.length + 2 <= avail) {
    const encoded = JSON.stringify(s);
    if (encoded.length <= avail) {
      push(w, encoded);
      return;
    }
  }
  w.full = true;
  const suffix = `${TRUNCATION_MARKER.slice(0, -1)} ${s.length} chars]`;
  const budget = Math.max(0, avail - STRING_MARKER_ROOM);
  let keep = cutBefore(s, Math.min(s.length, budget));
  let encoded = JSON.stringify(s.slice(0, keep));
  // Escapes make the encoded text longer than the kept part: shrink until it fits (a few rounds at most).
  for (let round = 0; encoded.length - 2 > budget && keep > 0; round++) {
    keep = round < 8 ? cutBefore(s, Math.floor((keep * budget) / (encoded.length - 2))) : 0;
    encoded = JSON.stringify(s.slice(0, keep));
  }
  push(w, `${encoded.slice(0, -1)}${suffix}"`);
}

function describeBinary(tag: string, value: { byteLength?: unknown }): string {
  const n = typeof value.byteLength === "number" ? value.byteLength : "?";
  return `[${tag} ${n} bytes]`;
}

function errorFields(e: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: e.name, message: e.message };
  const code = (e as { code?: unknown }).code;
  if (code !== undefined) fields.code = code;
  const cause = e.cause;
  if (cause !== undefined) fields.cause = cause;
  if (typeof e.stack === "string") fields.stack = e.stack;
  return fields;
}

// The intrinsics behind the brand checks: an object's `Symbol.toStringTag` can claim any tag, so a tag only says
// which intrinsic to try, and the intrinsic (which throws on anything else) says whether the claim is true.
const dateGetTime = Date.prototype.getTime;
const dateToISOString = Date.prototype.toISOString;
const UNBOXERS: Readonly<Record<string, (this: unknown) => unknown>> = {
  "[object String]": String.prototype.valueOf,
  "[object Number]": Number.prototype.valueOf,
  "[object Boolean]": Boolean.prototype.valueOf,
  "[object BigInt]": BigInt.prototype.valueOf,
};
const bufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength")?.get;
const sharedByteLength =
  typeof SharedArrayBuffer === "function"
    ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength")?.get
    : undefined;
const NOT_BRANDED = Symbol("not branded");

function callIntrinsic(fn: ((this: unknown) => unknown) | undefined, obj: object): unknown {
  if (fn === undefined) return NOT_BRANDED;
  try {
    return fn.call(obj);
  } catch {
    return NOT_BRANDED;
  }
}

// Writes one value. Whatever throws inside (a Proxy trap, a getter, a `toJSON`, a `name` accessor, even a stack
// overflow) replaces the value's partial output with an `[Unreadable: …]` marker, so the JSON stays well formed.
function walk(w: Walk, value: unknown): void {
  const mark = w.out.length;
  const len = w.len;
  const depth = w.path.length;
  const full = w.full;
  try {
    walkValue(w, value);
  } catch (e) {
    w.out.length = mark;
    w.len = len;
    w.path.length = depth;
    w.full = full;
    pushString(w, `[Unreadable: ${safeMessage(e)}]`);
  }
}

function walkValue(w: Walk, value: unknown): void {
  switch (typeof value) {
    case "string":
      pushString(w, value);
      return;
    case "number":
      push(w, Number.isFinite(value) ? String(value) : "null");
      return;
    case "boolean":
      push(w, value ? "true" : "false");
      return;
    case "bigint":
      // A BigInt can have any number of digits: it goes through the same length check as strings.
      pushString(w, `${value.toString()}n`);
      return;
    case "undefined":
      push(w, "null");
      return;
    case "symbol":
      pushString(w, value.toString());
      return;
    case "function":
      pushString(w, `[Function ${(value as { name?: string }).name || "anonymous"}]`);
      return;
  }
  if (value === null) {
    push(w, "null");
    return;
  }
  const obj = value as object;
  if (w.path.includes(obj)) {
    push(w, '"[Circular]"');
    return;
  }
  if (w.path.length >= w.maxDepth) {
    push(w, '"[Max depth]"');
    return;
  }
  const tag = toStr.call(obj);
  switch (tag) {
    case "[object Date]": {
      const t = callIntrinsic(dateGetTime, obj);
      if (t === NOT_BRANDED) break;
      push(w, Number.isFinite(t) ? JSON.stringify(dateToISOString.call(obj)) : "null");
      return;
    }
    case "[object RegExp]":
      pushString(w, String(obj));
      return;
    case "[object ArrayBuffer]":
    case "[object SharedArrayBuffer]": {
      const n = callIntrinsic(tag === "[object ArrayBuffer]" ? bufferByteLength : sharedByteLength, obj);
      if (n === NOT_BRANDED) break;
      pushString(w, `[${tag.slice(8, -1)} ${String(n)} bytes]`);
      return;
    }
    case "[object String]":
    case "[object Number]":
    case "[object Boolean]":
    case "[object BigInt]": {
      const primitive = callIntrinsic(UNBOXERS[tag], obj);
      if (primitive === NOT_BRANDED) break;
      walkValue(w, primitive);
      return;
    }
    case "[object Promise]":
      push(w, '"[Promise]"');
      return;
    case "[object WeakMap]":
    case "[object WeakSet]":
      pushString(w, `[${tag.slice(8, -1)}]`);
      return;
  }
  if (ArrayBuffer.isView(obj)) {
    const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? "TypedArray";
    pushString(w, describeBinary(name, obj));
    return;
  }
  // `obj` stays on the path while a `toJSON` replacement is written, so a chain of replacements is bounded by
  // the depth limit and a replacement that contains `obj` is a cycle.
  w.path.push(obj);
  try {
    if (Array.isArray(obj)) walkArray(w, obj);
    else if (obj instanceof Map) walkMap(w, obj);
    else if (obj instanceof Set) walkSet(w, obj);
    else if (obj instanceof Error) {
      const fields = errorFields(obj);
      walkObject(w, fields, Object.keys(fields));
    } else {
      const toJSON = (obj as { toJSON?: unknown }).toJSON;
      let replaced: unknown = obj;
      if (typeof toJSON === "function") {
        try {
          replaced = toJSON.call(obj);
        } catch (e) {
          pushString(w, `[toJSON threw: ${safeMessage(e)}]`);
          return;
        }
      }
      if (replaced !== obj) walk(w, replaced);
      else walkObject(w, obj, Object.keys(obj));
    }
  } finally {
    w.path.pop();
  }
}

// Writes `n` items as a JSON array, each by `writeItem` (false: there are no more), and once the room runs out, a
// marker saying how many were left out. Arrays, Sets and Maps with keys that are not all strings share it.
function walkItems(w: Walk, n: number, writeItem: (i: number) => boolean): void {
  push(w, "[");
  for (let i = 0; i < n; i++) {
    if (i > 0) push(w, ",");
    if (w.full || room(w) < VALUE_ROOM) {
      w.full = true;
      push(w, JSON.stringify(`${TRUNCATION_MARKER.slice(0, -1)} ${n - i} more items]`));
      break;
    }
    if (!writeItem(i)) break;
  }
  push(w, "]");
}

function walkArray(w: Walk, arr: readonly unknown[]): void {
  walkItems(w, arr.length, (i) => {
    let item: unknown;
    try {
      item = arr[i];
    } catch (e) {
      pushString(w, `[Unreadable: ${safeMessage(e)}]`);
      return true;
    }
    walk(w, item);
    return true;
  });
}

// Maps and Sets are read through the intrinsics (a subclass cannot make them lie about their size) and one entry
// at a time: writing stops when the room runs out, so a million-entry Map costs what the kept part costs, and
// the marker says how many entries were left out.
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, "size")!.get as (this: Map<unknown, unknown>) => number;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, "size")!.get as (this: Set<unknown>) => number;
const mapKeys = Map.prototype.keys;
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
// The fewest code units one more entry can take (`"":0,`): no more entries than the room divided by this can be
// written, so no more keys need to be looked at to choose between the object and the pair form.
const MIN_ENTRY = 5;

function walkSet(w: Walk, set: Set<unknown>): void {
  const values = setValues.call(set);
  walkItems(w, setSize.call(set), () => {
    const r = values.next();
    if (r.done === true) return false;
    walk(w, r.value);
    return true;
  });
}

function keyText(k: unknown): string {
  return typeof k === "string" ? k : `[${typeof k}]`;
}

function walkMap(w: Walk, map: Map<unknown, unknown>): void {
  const n = mapSize.call(map);
  const scan = Math.min(n, Math.floor(Math.max(0, room(w)) / MIN_ENTRY) + 1);
  let stringKeys = true;
  const keys = mapKeys.call(map);
  for (let i = 0; i < scan; i++) {
    const r = keys.next();
    if (r.done === true) break;
    if (typeof r.value !== "string") {
      stringKeys = false;
      break;
    }
  }
  const entries = mapEntries.call(map);
  const redact = w.redact;
  if (!stringKeys) {
    // Written as `[key, value]` pairs; a string key that looks secret still hides its value.
    walkItems(w, n, () => {
      const r = entries.next();
      if (r.done === true) return false;
      const [k, v] = r.value;
      walk(w, [k, typeof k === "string" && redact !== undefined && redact(k) ? REDACTED : v]);
      return true;
    });
    return;
  }
  push(w, "{");
  let first = true;
  for (let i = 0; i < n; i++) {
    // Entries JSON leaves out (undefined, functions) take no room; the walk still stops after `limit` of them.
    if (i >= w.limit) {
      cutKeys(w, first, n - i);
      break;
    }
    const r = entries.next();
    if (r.done === true) break;
    const [k, v] = r.value;
    const key = keyText(k);
    const encodedKey = fittingKey(w, key);
    if (encodedKey === "") {
      cutKeys(w, first, n - i);
      break;
    }
    const item = redact !== undefined && redact(key) ? REDACTED : v;
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    if (!first) push(w, ",");
    first = false;
    push(w, encodedKey);
    push(w, ":");
    walk(w, item);
  }
  push(w, "}");
}

// A key as JSON text, or "" when it and a value no longer fit. The raw length is a lower bound of the escaped one: a
// key that cannot fit is not escaped at all (it may be megabytes long).
function fittingKey(w: Walk, key: string): string {
  const encoded = w.full || room(w) < key.length + 2 + VALUE_ROOM ? "" : JSON.stringify(key);
  return encoded === "" || room(w) < encoded.length + 2 + VALUE_ROOM ? "" : encoded;
}

// Ends an object that ran out of room (or of its key limit) with a marker saying how many keys were left out.
function cutKeys(w: Walk, first: boolean, left: number): void {
  w.full = true;
  if (!first) push(w, ",");
  push(w, `"…":${JSON.stringify(`${TRUNCATION_MARKER.slice(0, -1)} ${left} more keys]`)}`);
}

function walkObject(w: Walk, obj: object, keys: string[]): void {
  push(w, "{");
  let first = true;
  const n = keys.length;
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    const encodedKey = fittingKey(w, key);
    if (encodedKey === "") {
      cutKeys(w, first, n - i);
      break;
    }
    let item: unknown;
    let unreadable: unknown;
    let ok = true;
    if (w.redact !== undefined && w.redact(key)) {
      item = REDACTED;
    } else {
      try {
        item = (obj as Record<string, unknown>)[key];
      } catch (e) {
        ok = false;
        unreadable = e;
      }
    }
    if (ok && (item === undefined || typeof item === "function" || typeof item === "symbol")) continue;
    if (!first) push(w, ",");
    first = false;
    push(w, encodedKey);
    push(w, ":");
    if (ok) walk(w, item);
    else pushString(w, `[Unreadable: ${safeMessage(unreadable)}]`);
  }
  push(w, "}");
}

// ---------------------------------------------------------------------------------------------------------
// The fast path: plain data (what JSON.parse gives, object literals, arrays of them) that fits the limit with
// room to spare, holds no key to redact and is not nested past the depth limit is written by the native
// JSON.stringify, which gives exactly what the walker above gives for it: same keys in the same order (own
// enumerable string keys), the same number and string forms, undefined and function values of objects left out,
// undefined array items as null. Anything else (a class instance, a Map, a Date, a BigInt, a function or symbol in
// an array, a `toJSON`, a secret-looking key, a cycle, a value that may not fit) goes to the walker.

const objectProto = Object.prototype;
const arrayProto = Array.prototype;
const getProto = Object.getPrototypeOf;
const objectKeys = Object.keys;
const isArray = Array.isArray;

interface Scan {
  /** The deepest nesting of containers seen (1 for a flat object). */
  levels: number;
  limit: number;
  maxDepth: number;
  /** The redactor in force (it remembers its answers per key), if any. */
  redact: ((key: string) => boolean) | undefined;
}

// The size the output may take, at least (strings counted unescaped), after `size` units and the container `value`;
// -1 when `value` is not plain data the native writer may take, or the size passes the limit. Reads each property
// once. Scalar items and values are handled in the loops (no call per leaf); only containers recurse.
function plain(s: Scan, value: object, level: number, size: number): number {
  // The walker writes "[Max depth]" for a container this deep (and a cycle always gets here).
  if (level >= s.maxDepth) return -1;
  if (level + 1 > s.levels) s.levels = level + 1;
  const limit = s.limit;
  if (isArray(value)) {
    // JSON.stringify calls an array's own `toJSON`; the walker does not.
    if (getProto(value) !== arrayProto || (value as { toJSON?: unknown }).toJSON !== undefined) return -1;
    const n = value.length;
    size += n + 2;
    if (size > limit) return -1;
    for (let i = 0; i < n; i++) {
      const item: unknown = value[i];
      switch (typeof item) {
        case "string":
          size += item.length + 2;
          if (size > limit) return -1;
          continue;
        case "number":
        case "boolean":
          size += 5;
          continue;
        case "undefined":
          size += 4;
          continue;
        case "object":
          if (item === null) {
            size += 4;
            continue;
          }
          size = plain(s, item, level + 1, size);
          if (size < 0) return -1;
          continue;
        default:
          // Functions and symbols in an array are written as markers by the walker, null by JSON.stringify.
          return -1;
      }
    }
    return size;
  }
  const proto = getProto(value);
  if (proto !== objectProto && proto !== null) return -1;
  // The walker trusts a tag that names no intrinsic it checks (a plain object tagged "Promise" is "[Promise]").
  if ((value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] !== undefined) return -1;
  // JSON.stringify calls a `toJSON` the for-in below does not see (own, not enumerable) and writes its result
  // unchecked: a secret-looking key in it would not be redacted. The walker's.
  if ((value as { toJSON?: unknown }).toJSON !== undefined) return -1;
  const redact = s.redact;
  size += 2;
  // for-in, not Object.keys: no key array per object, and V8 reads each value through the enum cache instead of
  // a keyed lookup. It also visits enumerable keys of the prototype (only a polluted Object.prototype has any):
  // checking more keys than JSON.stringify writes can only send more values to the walker.
  for (const key in value) {
    // A redacted key is written even when its value is undefined: the walker's business.
    if (redact !== undefined && redact(key)) return -1;
    const item: unknown = (value as Record<string, unknown>)[key];
    switch (typeof item) {
      case "string":
        size += key.length + item.length + 6;
        if (size > limit) return -1;
        continue;
      case "number":
      case "boolean":
        size += key.length + 9;
        continue;
      case "undefined":
        continue;
      case "object":
        if (item === null) {
          size += key.length + 8;
          continue;
        }
        size = plain(s, item, level + 1, size + key.length + 4);
        if (size < 0) return -1;
        continue;
      default:
        // An own `toJSON` method, or any function, symbol or BigInt value: the walker decides.
        return -1;
    }
  }
  return size <= limit ? size : -1;
}

/** The native fast path of {@link safeJson}: its text, or undefined when the value is for the walker. @internal */
export function nativeJson(value: unknown, limit: number, maxDepth: number, redact: ((key: string) => boolean) | undefined): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  // A `toJSON` added to the prototypes (pollution) is called by JSON.stringify on every object: walker only.
  if ((objectProto as { toJSON?: unknown }).toJSON !== undefined || (arrayProto as { toJSON?: unknown }).toJSON !== undefined) return undefined;
  const s: Scan = { levels: 0, limit, maxDepth, redact };
  let text: string;
  try {
    if (plain(s, value, 0, 0) < 0) return undefined;
    text = JSON.stringify(value);
  } catch {
    // A getter or a Proxy trap threw: the walker writes the marker for it.
    return undefined;
  }
  // The walker keeps LEVEL_RESERVE units back per open container and VALUE_ROOM before each value: when the whole
  // text fits with those to spare, it cuts nothing, and its text is this one.
  if (typeof text !== "string" || text.length + (s.levels + 1) * LEVEL_RESERVE + VALUE_ROOM > limit) return undefined;
  return text;
}

/**
 * True when {@link safeJson} of `value` could redact a key: some object key at any depth, own enumerable, is one the
 * capture configuration redacts. Meant for what `JSON.parse` returns (plain objects and arrays); anything it cannot
 * read (a throwing getter, a nesting too deep for the stack) counts as true, so a caller then serializes. A kind
 * uses it to keep text it was given (tool-call arguments) as it is when nothing in it would be redacted, instead of
 * parsing and serializing it again. Never throws.
 */
export function hasRedactedKey(value: unknown): boolean {
  const redact = captureConfig().redact;
  if (redact === undefined) return false;
  try {
    return anyKey(value, redact);
  } catch {
    return true;
  }
}

/**
 * {@link hasRedactedKey} read off JSON text, without parsing it: true when some `"key":` of `text` is one the capture
 * configuration redacts. Text holding a backslash counts as true (an escape can spell a key the redactor would
 * match), so a false answer is exact: `JSON.parse(text)`, when it parses, has no key {@link safeJson} would redact.
 * Text that is not JSON (partial, raw) is read the same way. A kind uses it to keep JSON text it was given (tool-call
 * arguments) as it is without parsing it. Never throws.
 */
export function hasRedactedJsonKey(text: string): boolean {
  const redact = captureConfig().redact;
  if (redact === undefined) return false;
  if (text.includes("\\")) return true;
  try {
    // With no backslash every `"` opens or closes a string, so the strings are read exactly from left to right; a
    // string followed by a colon (after JSON whitespace) is a key.
    for (let open = text.indexOf('"'); open >= 0; ) {
      const close = text.indexOf('"', open + 1);
      if (close < 0) return false;
      let next = close + 1;
      let c = text.charCodeAt(next);
      while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(++next);
      if (c === 58 /* : */ && redact(text.slice(open + 1, close))) return true;
      open = text.indexOf('"', close + 1);
    }
    return false;
  } catch {
    return true;
  }
}

function anyKey(value: unknown, redact: (key: string) => boolean): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (isArray(value)) {
    for (let i = 0; i < value.length; i++) if (anyKey(value[i], redact)) return true;
    return false;
  }
  const keys = objectKeys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (redact(key) || anyKey((value as Record<string, unknown>)[key], redact)) return true;
  }
  return false;
}

function safeMessage(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return "unknown";
  }
}

/**
 * Serializes any value to JSON without ever throwing: cycles become `"[Circular]"`, BigInt a string such as
 * `"12n"`, Map/Set objects/arrays, binary data a `"[Uint8Array 3 bytes]"` marker, throwing getters, Proxies and
 * `toJSON` methods a `"[Unreadable: …]"` marker. Values of secret-looking keys become `"[REDACTED]"`. The result
 * is valid JSON of at most `limit` code units (default: the capture limit); what does not fit is replaced by
 * `…[truncated …]` markers.
 */
export function safeJson(value: unknown, limit?: number): string {
  const config = captureConfig();
  const max = Math.max(64, limit ?? config.maxValueLength);
  const fast = nativeJson(value, max, config.maxDepth, config.redact);
  if (fast !== undefined) return fast;
  return walkJson(value, max);
}

/** {@link safeJson} by the walker alone (no native fast path), at a limit of `max` (at least 64). @internal */
export function walkJson(value: unknown, max: number): string {
  const config = captureConfig();
  const w: Walk = {
    out: [],
    len: 0,
    limit: max,
    maxDepth: config.maxDepth,
    redact: config.redact,
    path: [],
    full: false,
  };
  try {
    walk(w, value);
    return w.out.join("");
  } catch {
    // Only running out of stack or memory in the marker itself gets here; the value is replaced, the call goes on.
    return '"[Unserializable]"';
  }
}

/**
 * A captured value as OpenInference records it: a string stays text (`text/plain`), anything else becomes JSON
 * (`application/json`). Strings are cut at the capture limit.
 */
export function captureValue(value: unknown): { value: string; mimeType: "text/plain" | "application/json" } {
  if (typeof value === "string") return { value: truncateText(value), mimeType: "text/plain" };
  return { value: safeJson(value), mimeType: "application/json" };
}

/** True if `obj` has `key` as an own property, without invoking getters or Proxy `get` traps. */
export function hasOwnKey(obj: object, key: string): boolean {
  try {
    return hasOwn.call(obj, key);
  } catch {
    return false;
  }
}
