import { ROOT_CONTEXT } from "@opentelemetry/api";
import type { Context, ContextManager } from "@opentelemetry/api";
import type { AsyncLocalStorageClass } from "../options.js";

/**
 * OpenTelemetry's context manager over an `AsyncLocalStorage` class handed in, for runtimes where
 * `@opentelemetry/context-async-hooks` cannot be loaded (it imports `async_hooks` when it is evaluated, which
 * Workers without `nodejs_compat` lack). Binds functions only: those runtimes have no EventEmitter to bind.
 */
export class AlsContextManager implements ContextManager {
  private readonly Als: AsyncLocalStorageClass;
  private storage: InstanceType<AsyncLocalStorageClass> | undefined;

  constructor(Als: AsyncLocalStorageClass) {
    this.Als = Als;
  }

  active(): Context {
    return (this.storage?.getStore() as Context | undefined) ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const call = thisArg === undefined ? fn : fn.bind(thisArg);
    if (this.storage === undefined) return call(...args);
    return this.storage.run(context, call as (...a: unknown[]) => ReturnType<F>, ...args);
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== "function") return target;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    const run = (thisArg: unknown, args: unknown[]) => this.with(context, () => fn.apply(thisArg, args));
    const bound = function (this: unknown, ...args: unknown[]) {
      return run(this, args);
    };
    Object.defineProperty(bound, "length", { value: fn.length, configurable: true });
    return bound as unknown as T;
  }

  enable(): this {
    this.storage ??= new this.Als();
    return this;
  }

  disable(): this {
    this.storage?.disable();
    this.storage = undefined;
    return this;
  }
}
