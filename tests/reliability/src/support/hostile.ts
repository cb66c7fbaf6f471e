// Values that break naive serializers and wrappers. Each maker returns a fresh value (some are mutated by the
// engine, e.g. an async iterable gets its iterator factory wrapped in place). What a trap or getter throws is
// one fixed object, so a plain run and a traced run of the same program see the very same error.
import fc from "fast-check";
import type { Arbitrary } from "fast-check";

/** The one error every hostile trap, getter and `toJSON` throws. */
export const TRAP_ERROR = new Error("hostile trap");

let bigStringValue: string | undefined;
let bigSurrogatesValue: string | undefined;
/** A 50 MB string (one byte per unit), made on first use and shared: strings are immutable. */
export function big(): string {
  return (bigStringValue ??= "x".repeat(50 * 1024 * 1024));
}
/** 50 MB of lone high surrogates (25 M UTF-16 units, each six units once JSON-escaped), made on first use. */
export function bigSurrogates(): string {
  return (bigSurrogatesValue ??= "\ud83d".repeat(25 * 1024 * 1024));
}

export interface Hostile {
  name: string;
  make: () => unknown;
  /**
   * False when awaiting the value is not repeatable (a revoked Proxy throws a new TypeError on `then`), or when
   * it never settles (a thenable): such values are not used as async results or async-generator yields.
   */
  awaitable: boolean;
}

const throwAll: ProxyHandler<object> = {
  get() { throw TRAP_ERROR; },
  has() { throw TRAP_ERROR; },
  ownKeys() { throw TRAP_ERROR; },
  getOwnPropertyDescriptor() { throw TRAP_ERROR; },
  getPrototypeOf() { throw TRAP_ERROR; },
  set() { throw TRAP_ERROR; },
  defineProperty() { throw TRAP_ERROR; },
  deleteProperty() { throw TRAP_ERROR; },
  isExtensible() { throw TRAP_ERROR; },
  preventExtensions() { throw TRAP_ERROR; },
  setPrototypeOf() { throw TRAP_ERROR; },
  apply() { throw TRAP_ERROR; },
};

class Account {
  #balance = 10;
  static created = 0;
  constructor(public owner: string, public tags: string[]) {
    Account.created++;
  }
  get balance(): number {
    return this.#balance;
  }
}

function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = wrap(v);
  return v;
}

function forged(tag: string): object {
  return { [Symbol.toStringTag]: tag, data: tag };
}

const makers: Hostile[] = [
  { name: "throwing getter", awaitable: true, make: () => ({ ok: 1, get boom(): never { throw TRAP_ERROR; } }) },
  { name: "Proxy throwing on every trap", awaitable: true, make: () => new Proxy({}, throwAll) },
  { name: "Proxy of a function throwing on every trap", awaitable: true, make: () => new Proxy(function target() {}, throwAll) },
  {
    name: "revoked Proxy",
    awaitable: false,
    make: () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    },
  },
  {
    name: "array Proxy throwing on one index",
    awaitable: true,
    make: () => new Proxy([1, 2, 3], { get: (t, k) => { if (k === "1") throw TRAP_ERROR; return Reflect.get(t, k); } }),
  },
  { name: "Proxy lying about its keys", awaitable: true, make: () => new Proxy({}, { ownKeys: () => ["ghost", "ghost2"], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }) }) },
  { name: "toJSON that throws", awaitable: true, make: () => ({ toJSON() { throw TRAP_ERROR; } }) },
  {
    name: "toJSON returning itself",
    awaitable: true,
    make: () => {
      const o: Record<string, unknown> = { a: 1 };
      o.toJSON = () => o;
      return o;
    },
  },
  {
    name: "toJSON returning a fresh replacer forever",
    awaitable: true,
    make: () => {
      const next = (): unknown => ({ toJSON: next });
      return { toJSON: next };
    },
  },
  { name: "class instance with #private and a getter", awaitable: true, make: () => new Account("ann", ["a", "b"]) },
  { name: "Object.create(null)", awaitable: true, make: () => Object.assign(Object.create(null) as object, { a: 1, inner: Object.assign(Object.create(null) as object, { b: [2] }) }) },
  {
    name: "sparse array",
    awaitable: true,
    make: () => {
      const a: unknown[] = [1];
      a[1000] = 2;
      return a;
    },
  },
  {
    name: "sparse array of length 2^32-1",
    awaitable: true,
    make: () => {
      const a: unknown[] = [];
      a.length = 2 ** 32 - 1;
      a[5] = "five";
      return a;
    },
  },
  { name: "Uint8Array", awaitable: true, make: () => new Uint8Array([1, 2, 3]) },
  { name: "Float64Array", awaitable: true, make: () => new Float64Array(4) },
  { name: "BigInt64Array", awaitable: true, make: () => new BigInt64Array(2) },
  { name: "Buffer", awaitable: true, make: () => Buffer.from("buffer") },
  { name: "ArrayBuffer", awaitable: true, make: () => new ArrayBuffer(8) },
  { name: "SharedArrayBuffer", awaitable: true, make: () => new SharedArrayBuffer(8) },
  { name: "DataView", awaitable: true, make: () => new DataView(new ArrayBuffer(4)) },
  { name: "huge BigInt", awaitable: true, make: () => 10n ** 20_000n },
  { name: "negative BigInt", awaitable: true, make: () => -(2n ** 64n) },
  { name: "symbol", awaitable: true, make: () => Symbol("sym") },
  { name: "symbol with a 100k description", awaitable: true, make: () => Symbol("d".repeat(100_000)) },
  { name: "lone high surrogate", awaitable: true, make: () => "\ud800" },
  { name: "lone low surrogate inside text", awaitable: true, make: () => "a\udc00b" },
  { name: "control characters", awaitable: true, make: () => "\u0000\u0001\u001f\u007f\n\t\"\\" },
  { name: "100k control characters", awaitable: true, make: () => "\u0001".repeat(100_000) },
  { name: "100k lone surrogates", awaitable: true, make: () => "\udfff".repeat(100_000) },
  { name: "invalid Date", awaitable: true, make: () => new Date(NaN) },
  { name: "extreme Date", awaitable: true, make: () => new Date(-8.64e15) },
  { name: "boxed String", awaitable: true, make: () => new String("boxed") },
  { name: "boxed BigInt", awaitable: true, make: () => Object(5n) },
  { name: "boxed NaN", awaitable: true, make: () => new Number(NaN) },
  { name: "forged Date tag", awaitable: true, make: () => forged("Date") },
  { name: "forged String tag", awaitable: true, make: () => forged("String") },
  { name: "forged ArrayBuffer tag", awaitable: true, make: () => forged("ArrayBuffer") },
  { name: "throwing toStringTag", awaitable: true, make: () => ({ get [Symbol.toStringTag](): string { throw TRAP_ERROR; } }) },
  { name: "Map with mixed keys", awaitable: true, make: () => new Map<unknown, unknown>([[{ k: 1 }, "object key"], ["s", 2], [Symbol("m"), 3], [NaN, 4]]) },
  { name: "Set", awaitable: true, make: () => new Set<unknown>([1, "a", { b: 2 }]) },
  { name: "WeakMap", awaitable: true, make: () => new WeakMap() },
  { name: "Error with a cause chain", awaitable: true, make: () => new Error("outer", { cause: new TypeError("inner", { cause: { code: 7 } }) }) },
  { name: "AggregateError", awaitable: true, make: () => new AggregateError([new Error("a"), "b"], "many") },
  { name: "Error with extra fields", awaitable: true, make: () => Object.assign(new RangeError("r"), { code: "E_RANGE", extra: { deep: [1] } }) },
  {
    name: "Error whose message getter throws",
    awaitable: true,
    make: () => {
      const e = new Error("x");
      Object.defineProperty(e, "message", { get() { throw TRAP_ERROR; } });
      return e;
    },
  },
  {
    name: "class whose static name getter throws",
    awaitable: true,
    make: () => class Nameless { static get name(): string { throw TRAP_ERROR; } },
  },
  { name: "plain function", awaitable: true, make: () => function named() {} },
  { name: "async arrow", awaitable: true, make: () => async () => 1 },
  { name: "10,000 nested arrays", awaitable: true, make: () => nested(10_000, (v) => [v]) },
  { name: "10,000 nested objects", awaitable: true, make: () => nested(10_000, (v) => ({ v })) },
  {
    name: "self cycle",
    awaitable: true,
    make: () => {
      const o: Record<string, unknown> = { name: "loop" };
      o.self = o;
      o.list = [o, { back: o }];
      return o;
    },
  },
  {
    name: "mutual cycle through a Map and a Set",
    awaitable: true,
    make: () => {
      const a: Record<string, unknown> = {};
      const m = new Map<string, unknown>([["a", a]]);
      a.m = m;
      a.s = new Set([a, m]);
      return a;
    },
  },
  {
    name: "shared references",
    awaitable: true,
    make: () => {
      const shared = { v: [1, 2] };
      return { x: shared, y: shared, z: [shared, shared] };
    },
  },
  { name: "frozen object", awaitable: true, make: () => Object.freeze({ a: Object.freeze([1]) }) },
  { name: "object with 20,000 keys", awaitable: true, make: () => Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) },
  { name: "thenable that never settles", awaitable: false, make: () => ({ then() {} }) },
  { name: "50 MB string", awaitable: true, make: big },
  { name: "50 MB of lone surrogates", awaitable: true, make: bigSurrogates },
  { name: "object holding a 50 MB string", awaitable: true, make: () => ({ text: big(), [big().slice(0, 1000)]: 1 }) },
];

/** Every hostile value, by name. */
export const HOSTILE: readonly Hostile[] = makers;
const BY_NAME = new Map(makers.map((m) => [m.name, m]));

/**
 * A printable recipe for a value. fast-check generates recipes, never the values themselves: it reads and
 * prints what it generates, and a hostile value would break fast-check before it reached the code under test.
 * {@link materialize} turns a recipe into a fresh value once per run, so a plain run and a traced run share it.
 */
export type Recipe =
  | { plain: unknown }
  | { hostile: string }
  | { array: Recipe[] }
  | { object: Array<[string, Recipe]> }
  | { map: Array<[string, Recipe]> }
  | { error: "Error" | "TypeError" | "RangeError"; message: string; cause?: Recipe };

const ERRORS = { Error, TypeError, RangeError } as const;

/** Builds the value a recipe describes (fresh objects on every call). */
export function materialize(recipe: Recipe): unknown {
  if ("plain" in recipe) return recipe.plain;
  if ("hostile" in recipe) {
    const maker = BY_NAME.get(recipe.hostile);
    if (maker === undefined) throw new Error(`no hostile value named ${recipe.hostile}`);
    return maker.make();
  }
  if ("array" in recipe) return recipe.array.map(materialize);
  if ("object" in recipe) {
    const obj: Record<string, unknown> = {};
    // defineProperty, so keys such as __proto__ become own data properties, as JSON.parse would make them.
    for (const [k, v] of recipe.object) Object.defineProperty(obj, k, { value: materialize(v), enumerable: true, configurable: true, writable: true });
    return obj;
  }
  if ("map" in recipe) return new Map(recipe.map.map(([k, v]) => [k, materialize(v)]));
  const cause = recipe.cause === undefined ? undefined : materialize(recipe.cause);
  return cause === undefined ? new ERRORS[recipe.error](recipe.message) : new ERRORS[recipe.error](recipe.message, { cause });
}

/** One hostile value's recipe. `awaitable` limits it to values that can be awaited repeatably. */
function hostile(options: { awaitable?: boolean } = {}): Arbitrary<Recipe> {
  const pool = options.awaitable === true ? makers.filter((m) => m.awaitable) : makers;
  return fc.constantFrom(...pool.map((m) => m.name)).map((name): Recipe => ({ hostile: name }));
}

function plainValue(maxDepth: number): Arbitrary<Recipe> {
  return fc
    .anything({
      maxDepth,
      maxKeys: 5,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
      values: [fc.string({ unit: "binary" }), fc.double(), fc.bigInt(), fc.constant(undefined), fc.constant(null)],
    })
    .map((plain): Recipe => ({ plain }));
}

/** Any value: fast-check's `anything()` with every exotic option on, hostile values, and both mixed. */
export function anyValue(options: { awaitable?: boolean; maxDepth?: number } = {}): Arbitrary<Recipe> {
  const depth = options.maxDepth ?? 3;
  const leaf = fc.oneof(
    { weight: 3, arbitrary: plainValue(depth) },
    { weight: 2, arbitrary: hostile(options) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 0, -0, NaN, "", "\ud800", Symbol.iterator).map((plain): Recipe => ({ plain })) },
  );
  if (depth <= 1) return leaf;
  const { tree } = fc.letrec<{ tree: Recipe }>((tie) => ({
    tree: fc.oneof(
      { depthSize: "small", maxDepth: depth },
      { weight: 4, arbitrary: leaf },
      { weight: 1, arbitrary: fc.array(tie("tree"), { maxLength: 3 }).map((array): Recipe => ({ array })) },
      { weight: 1, arbitrary: fc.array(fc.tuple(fc.string({ maxLength: 6 }), tie("tree")), { maxLength: 3 }).map((object): Recipe => ({ object })) },
      { weight: 1, arbitrary: fc.array(fc.tuple(fc.string({ maxLength: 6 }), tie("tree")), { maxLength: 2 }).map((map): Recipe => ({ map })) },
    ),
  }));
  return tree;
}

/** A value that is thrown: Errors of several classes (some with a cause), and anything else. */
export function throwable(options: { awaitable?: boolean } = {}): Arbitrary<Recipe> {
  return fc.oneof(
    fc.record({
      error: fc.constantFrom<"Error" | "TypeError" | "RangeError">("Error", "TypeError", "RangeError"),
      message: fc.string({ maxLength: 20 }),
    }),
    fc.record({ error: fc.constant<"Error">("Error"), message: fc.string({ maxLength: 20 }), cause: anyValue({ ...options, maxDepth: 1 }) }),
    anyValue({ ...options, maxDepth: 2 }),
  );
}
