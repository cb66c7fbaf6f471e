import type { Attributes, AttributeValue } from "@opentelemetry/api";

/**
 * Attributes as two parallel arrays, keys and values, in the order they were set: what a kind's `onStart` may
 * return instead of an `Attributes` object when it writes many keys (an LLM request's messages and tools). An
 * object built key by key with computed keys turns into a hash table in V8 past a dozen or so keys, and every later
 * read of it (a `for…in`, `Object.keys`) collects and sorts its keys; a list costs a push per key and is written to
 * the span by index. Core writes it exactly as it would write the same pairs as an object: each
 * value through the capture configuration (size limit, masking, `captureInput`/`captureOutput`).
 *
 * A key set twice is written twice, and the span keeps the last value, as with an object.
 */
export class AttributeList {
  /** The keys, in the order they were set. */
  readonly keys: string[] = [];
  /** The value of each key, at the same index. */
  readonly values: AttributeValue[] = [];

  /** Adds `key` with `value`; an `undefined` value is left out (as an object's `undefined` value is not written). */
  set(key: string, value: AttributeValue | undefined): void {
    if (value === undefined) return;
    this.keys.push(key);
    this.values.push(value);
  }

  /** The last value set for `key`, if any. */
  get(key: string): AttributeValue | undefined {
    const keys = this.keys;
    for (let i = keys.length - 1; i >= 0; i--) if (keys[i] === key) return this.values[i];
    return undefined;
  }

  /** How many pairs the list holds. */
  get length(): number {
    return this.keys.length;
  }

  /** Keeps the first `length` pairs, dropping the rest (to take back what was set since a count taken earlier). */
  truncate(length: number): void {
    if (length >= this.keys.length) return;
    this.keys.length = length;
    this.values.length = length;
  }

  /** The pairs as an object, later values winning: what an object built by the same `set` calls would be. */
  toAttributes(): Attributes {
    const out: Attributes = {};
    const keys = this.keys;
    const values = this.values;
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = values[i];
    return out;
  }
}
