import { isRecord, read } from "@calltree/core/kind";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decodes a base64 string of little-endian float32 values (what embedding APIs send for
 * `encoding_format: "base64"`) into numbers. `undefined` when the text is not base64 or not a whole number of
 * floats. Uses `atob` so it runs wherever the SDKs run (Node, browsers, edge runtimes). @internal
 */
function decodeBase64Floats(text: string): number[] | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  if (binary.length === 0 || binary.length % 4 !== 0) return undefined;
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const out = new Array<number>(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function isNumberArrayView(value: unknown): value is ArrayLike<number> {
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(typeof BigInt64Array === "function" && value instanceof BigInt64Array) &&
    !(typeof BigUint64Array === "function" && value instanceof BigUint64Array)
  );
}

/**
 * An embedding vector as a float array: a non-empty array of finite numbers, a typed array (`Float32Array`
 * from local models), or a base64 string of float32 values. `undefined` for anything else. @internal
 */
export function toVector(value: unknown): number[] | undefined {
  if (typeof value === "string") return decodeBase64Floats(value);
  if (isNumberArrayView(value)) {
    const out = Array.from(value);
    return out.length > 0 && out.every(Number.isFinite) ? out : undefined;
  }
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const n = value.length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x: unknown = value[i];
    if (typeof x !== "number" || !Number.isFinite(x)) return undefined;
    out[i] = x;
  }
  return out;
}

/** True for a value {@link toVector} reads as an array of numbers (not a base64 string). @internal */
export function isNumericVector(value: unknown): boolean {
  if (isNumberArrayView(value)) return value.length > 0;
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const x of value) if (typeof x !== "number") return false;
  return true;
}

const MAX_SUMMARY_ITEMS = 1000;
const MAX_SUMMARY_DEPTH = 6;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of an embedding result for `output.value` with every vector replaced by a short marker
 * (`"[1536 floats]"`): the vectors are recorded as `embedding.embeddings.N.embedding.vector` already (within
 * the caps, and hidden when vectors are masked), so the output keeps the rest (model, usage, indices) readable.
 * Arrays, plain objects and the `embedding` field of items (base64 strings too) are walked; anything else is
 * kept as it is. @internal
 */
export function summarizeVectors(value: unknown): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number, key: string | undefined): unknown => {
    if (isNumericVector(v)) return `[${(v as ArrayLike<number>).length} floats]`;
    if (typeof v === "string" && (key === "embedding" || key === "embeddings")) {
      const floats = decodeBase64Floats(v);
      return floats === undefined ? v : `[${floats.length} floats, base64]`;
    }
    if (typeof v !== "object" || v === null || depth >= MAX_SUMMARY_DEPTH) return v;
    if (seen.has(v)) return "[Circular]";
    seen.add(v);
    if (Array.isArray(v)) {
      const n = v.length;
      const out: unknown[] = [];
      for (let i = 0; i < Math.min(n, MAX_SUMMARY_ITEMS); i++) out.push(walk(v[i], depth + 1, key));
      if (n > MAX_SUMMARY_ITEMS) out.push(`…[${n - MAX_SUMMARY_ITEMS} more items]`);
      return out;
    }
    if (!isPlainObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = walk(read(v, k), depth + 1, k);
    return out;
  };
  try {
    return walk(value, 0, undefined);
  } catch {
    return value;
  }
}
