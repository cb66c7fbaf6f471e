// Readers for values of unknown shape (SDK requests and responses, documents, whatever a method returns): a
// missing field, a wrong type or a throwing getter reads as "not there" instead of an error in the app's call.

/**
 * True for an object whose fields can be read by name: not `null`, not an array, not binary data (a typed array,
 * a `DataView`, a `Buffer`). Class instances count.
 */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * `obj[key]`, read once; `undefined` when `obj` is not an object (`null`, a primitive, a function), or when a
 * getter or Proxy trap throws. Never throws.
 */
export function read(obj: unknown, key: string): unknown {
  if (typeof obj !== "object" || obj === null) return undefined;
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/**
 * The first of `keys` whose field in `obj` (read with {@link read}) `accept` takes, as `accept` returns it; `undefined`
 * when it takes none. For a value known under several names (`topK`, `top_k`, `top_n`; `score`, `relevance_score`):
 * keys are read in order, and reading stops at the first accepted. `accept` gives `undefined` to pass a field by
 * (e.g. a number reader that refuses strings). Never throws unless `accept` does.
 */
export function readFirst<T>(obj: unknown, keys: readonly string[], accept: (field: unknown) => T | undefined): T | undefined {
  for (const key of keys) {
    const found = accept(read(obj, key));
    if (found !== undefined) return found;
  }
  return undefined;
}
