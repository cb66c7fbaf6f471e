import { isRecord, read, safeJson as coreSafeJson } from "@calltree/core/kind";

// The safe readers every kind uses, from core.
export { isRecord, read };

// Small readers for values of unknown shape. Every extractor reads SDK objects through these so a
// missing field, a wrong type or a throwing getter degrades to "not recorded" instead of an error.

/** A non-null, non-array object whose fields may be read by name. */
export type Rec = Readonly<Record<string, unknown>>;

/** The value if it is a string, else `undefined`. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The value if it is a non-empty string, else `undefined`. */
export function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The value if it is a finite number (token counts and the like), else `undefined`. */
export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The value if it is an array, else `undefined`. */
export function list(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/**
 * A shallow snapshot of an object's own enumerable fields, each getter called once. Plain request
 * and response objects are copied cheaply; the copy is what every later read touches.
 */
export function snapshot(obj: Rec): Rec {
  const out: Record<string, unknown> = {};
  let keys: string[];
  try {
    keys = Object.keys(obj);
  } catch {
    return out;
  }
  // Field by field, so one throwing getter costs that field only.
  for (const key of keys) {
    const value = read(obj, key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The fields of `value` that are not `undefined`, in its order. For-in over the caller's fresh literal (no entry
 * arrays, as Object.entries makes); own keys only.
 */
export function pickDefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const k in value) {
    const v: unknown = value[k];
    if (v !== undefined && hasOwn.call(value, k)) out[k] = v;
  }
  return out as T;
}

/** The value at `key`, made by `make` and stored first when there is none (`make` is a module-level function: no closure per call). */
export function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/**
 * Runs `fn`, swallowing anything it throws. Extraction is split into guarded sections so one
 * malformed part (say, a tool with a throwing getter) does not cost the others (say, token counts).
 */
export function guard(fn: () => void): void {
  try {
    fn();
  } catch {
    // Extraction is best effort by contract: a failure here must never reach the traced call.
  }
}

/**
 * JSON text of `value` through core's capture: secret-looking keys redacted, cycles and odd values marked,
 * and the text bounded by the capture limit (`maxValueLength`). The one serializer of this package, so the
 * user's capture settings reach every LLM value (issue 13: no second serializer beside core's).
 */
export function safeJson(value: unknown): string | undefined {
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined;
  return coreSafeJson(value);
}

/** True for `{}`-style objects: created by a literal, `Object.create(null)` or JSON.parse. */
export function isPlainObject(value: unknown): value is Rec {
  if (!isRecord(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True for promises and other thenables, which an extractor must never await or read into. */
export function isThenable(value: unknown): boolean {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof read(value, "then") === "function"
  );
}

/**
 * Joins string pieces collected from a stream. Pieces are kept in an array and joined once,
 * so aggregating N chunks costs O(total size), not O(N²).
 */
export class TextBuffer {
  #parts: string[] = [];

  /** Whether any piece (even an empty one) was appended. */
  get touched(): boolean {
    return this.#parts.length > 0;
  }

  /** Adds a piece at the end. */
  append(piece: string): void {
    this.#parts.push(piece);
  }

  /** The joined text; compacts the pieces so repeated calls stay linear. */
  text(): string {
    if (this.#parts.length > 1) this.#parts = [this.#parts.join("")];
    return this.#parts[0] ?? "";
  }
}
