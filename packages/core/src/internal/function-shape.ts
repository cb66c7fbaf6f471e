// The wrapper that stands in for a decorated method or wrapped function must look like the function it replaces
// to everything that inspects functions: `new` (constructible or not, `new.target`, the prototype), the name
// and declared length, own properties other decorators put on it, and the `reflect-metadata` data that legacy
// decorators written below ours (NestJS `@Get("/x")`, `@SetMetadata`) attached to it.

/** Keys every function has of its own that describe the wrapper itself, not data on the function. */
const SKIPPED: ReadonlySet<PropertyKey> = new Set(["length", "name", "arguments", "caller"]);

/**
 * True if `fn` can be called with `new`: plain `function`s and classes, not arrows, methods, async functions or
 * generators. Uses `fn` only as `new.target` of a harmless construction, so `fn` itself never runs.
 */
function isConstructor(fn: Function): boolean {
  try {
    Reflect.construct(String, [], fn);
    return true;
  } catch {
    return false;
  }
}

interface MetadataApi {
  getOwnMetadataKeys(target: object): unknown[];
  getOwnMetadata(key: unknown, target: object): unknown;
  defineMetadata(key: unknown, value: unknown, target: object): void;
}

function metadataApi(): MetadataApi | undefined {
  const r = Reflect as unknown as Partial<MetadataApi>;
  return typeof r.getOwnMetadataKeys === "function" &&
    typeof r.getOwnMetadata === "function" &&
    typeof r.defineMetadata === "function"
    ? (r as MetadataApi)
    : undefined;
}

/**
 * Copies what describes `fn` onto `wrapper`: name, length, every other own property (with its descriptor; the
 * `prototype` of constructors and generator functions too), and the `reflect-metadata` data of `fn` when
 * `reflect-metadata` (or a compatible polyfill) is loaded. Each copy is guarded: a frozen or exotic function
 * keeps what can be copied. For kinds that put a function of their own in front of a method (as `@tool` does to
 * validate arguments), so data other decorators put on the method survives.
 */
export function copyFunctionShape(fn: Function, wrapper: Function): void {
  try {
    Object.defineProperty(wrapper, "name", { value: fn.name, configurable: true });
    Object.defineProperty(wrapper, "length", { value: fn.length, configurable: true });
  } catch {
    // A throwing `name` getter (a Proxy of a function): the wrapper keeps its own.
  }
  let keys: PropertyKey[];
  try {
    keys = Reflect.ownKeys(fn);
  } catch {
    keys = [];
  }
  for (const key of keys) {
    if (SKIPPED.has(key)) continue;
    try {
      const desc = Object.getOwnPropertyDescriptor(fn, key);
      if (desc === undefined) continue;
      if (key === "prototype" && Object.prototype.hasOwnProperty.call(wrapper, "prototype")) {
        // A constructible wrapper already has a non-configurable `prototype`: only its value can change.
        Object.defineProperty(wrapper, "prototype", { value: desc.value });
      } else {
        Object.defineProperty(wrapper, key, desc);
      }
    } catch {
      // Skipped: one property that cannot be copied must not stop the others.
    }
  }
  const api = metadataApi();
  if (api === undefined) return;
  try {
    for (const key of api.getOwnMetadataKeys(fn)) api.defineMetadata(key, api.getOwnMetadata(key, fn), wrapper);
  } catch {
    // A metadata polyfill that refuses functions as targets: nothing to keep.
  }
}

/**
 * A function standing in for `fn`: calling it runs `call(this, args)`. When `fn` is a constructor the wrapper
 * is one too, and `new wrapper(...)` runs `construct(newTarget, args)` with the `new.target` `fn` would have
 * seen (`fn` itself, or a subclass); when it is not (arrow, method, async, generator), neither is the wrapper,
 * and `new` throws the same TypeError. The wrapper carries `fn`'s shape ({@link copyFunctionShape}). @internal
 */
export function makeWrapper(
  fn: Function,
  call: (self: unknown, args: unknown[]) => unknown,
  construct: (newTarget: Function, args: unknown[]) => unknown,
): (...args: unknown[]) => unknown {
  let wrapper: (...args: unknown[]) => unknown;
  if (isConstructor(fn)) {
    const inner = function (this: unknown, ...args: unknown[]): unknown {
      if (new.target === undefined) return call(this, args);
      return construct(new.target === inner ? fn : new.target, args);
    };
    if (Object.prototype.hasOwnProperty.call(fn, "prototype")) wrapper = inner;
    else {
      // A constructor without a `prototype` of its own (a bound function) gets a wrapper without one too: a bound
      // function, whose `this` is fixed as `fn`'s is, and whose `instanceof` asks `fn`.
      Object.defineProperty(inner, Symbol.hasInstance, { value: (o: unknown) => o instanceof (fn as new () => unknown) });
      wrapper = inner.bind(undefined);
    }
  } else {
    // A method definition has no [[Construct]] and no `prototype`, as arrows, methods and async functions.
    wrapper = {
      wrapper(this: unknown, ...args: unknown[]): unknown {
        return call(this, args);
      },
    }.wrapper;
  }
  copyFunctionShape(fn, wrapper);
  return wrapper;
}
