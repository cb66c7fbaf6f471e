import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import type { Attributes } from "@opentelemetry/api";
import { CalltreeError } from "../errors.js";
import type { CommonOptions } from "../common-options.js";
import type { AnyFunction, DecoratedMethod } from "../types.js";
import { codeLocation } from "./code-location.js";
import { diagnoseCopies } from "./copies.js";
import { invoke, parseParamNames } from "./engine.js";
import { makeWrapper } from "./function-shape.js";
import type { KindHooks, MethodRecord } from "./engine.js";
import { shared } from "./global.js";

// TypeScript's TC39 decorator helper records decorator metadata only if `Symbol.metadata` exists, which
// Node 20 to 24 do not ship. The standard polyfill (a registered symbol, as TypeScript's docs suggest) lets
// calltree find a class's decorated methods and the class name of private methods.
if (typeof (Symbol as { metadata?: symbol }).metadata !== "symbol") {
  try {
    Object.defineProperty(Symbol, "metadata", { value: Symbol.for("Symbol.metadata"), configurable: true });
  } catch {
    // A frozen Symbol constructor: discoverability falls back to the legacy registry.
  }
}

const METHODS = Symbol.for("calltree.decorated-methods.v1");

/** What a kind contributes once per decorated method. @internal */
export interface KindRuntime extends KindHooks {
  staticAttributes?: ((options: any, site: { methodName: string; className: string | undefined }) => Attributes | undefined) | undefined;
}

type Registry = WeakMap<object, DecoratedMethod<any>[]>;
const legacyRegistry: Registry = ((shared as unknown as { legacy?: Registry }).legacy ??= new WeakMap());

function describeTarget(kind: string): string {
  switch (kind) {
    case "class":
      return "a class";
    case "field":
      return "a field";
    case "accessor":
      return "an accessor";
    case "getter":
      return "a getter";
    case "setter":
      return "a setter";
    default:
      return `a ${kind}`;
  }
}

function misuse(kindName: string, what: string): CalltreeError {
  return new CalltreeError(
    "UNSUPPORTED_TARGET",
    `@${kindName} cannot decorate ${what}: it decorates methods (instance, static or #private; sync, async or ` +
      `generator). For a function stored in a field, write \`field = ${kindName}.wrap(fn)\`; to trace a whole ` +
      `class, decorate its methods.`,
  );
}

function buildRecord(
  kind: KindRuntime,
  options: CommonOptions & Record<string, unknown>,
  fn: AnyFunction,
  methodName: string,
  site: { className: string | undefined; isStatic: boolean; metadata: object | undefined; isMethod: boolean },
): MethodRecord {
  diagnoseCopies();
  const staticAttributes: Attributes = {
    [SC.OPENINFERENCE_SPAN_KIND]: kind.spanKind,
    ...codeLocation(methodName),
  };
  if (kind.staticAttributes !== undefined) {
    Object.assign(staticAttributes, kind.staticAttributes(options, { methodName, className: site.className }));
  }
  if (options.attributes !== undefined && typeof options.attributes === "object") {
    Object.assign(staticAttributes, options.attributes);
  }
  const rec: MethodRecord = {
    kind,
    options,
    fn,
    methodName,
    spanName: options.name ?? (site.isMethod ? undefined : methodName),
    className: site.className,
    metadata: site.metadata,
    wrapped: undefined as unknown as MethodRecord["wrapped"],
    staticAttributes,
    paramNames: undefined,
    isStatic: site.isStatic,
  };
  // `new` on a constructible function is traced as a call whose function constructs: it runs `fn` with the
  // `new.target` the plain call would have given it.
  let constructRec: MethodRecord | undefined;
  const construct = (newTarget: Function, args: unknown[]): unknown => {
    constructRec ??= Object.assign({}, rec, {
      fn: function (this: Function, ...a: unknown[]): unknown {
        return Reflect.construct(fn, a, this);
      },
      paramNames: parseParamNames(fn),
    });
    return invoke(constructRec, newTarget, args);
  };
  rec.wrapped = makeWrapper(fn, (self, args) => invoke(rec, self, args), construct);
  return rec;
}

function remember(list: DecoratedMethod<any>[], rec: MethodRecord): void {
  list.push({
    kindName: rec.kind.name,
    spanKind: rec.kind.spanKind,
    methodName: rec.methodName,
    isStatic: rec.isStatic,
    options: rec.options,
  });
}

function decorateStandard(
  kind: KindRuntime,
  options: CommonOptions & Record<string, unknown>,
  value: unknown,
  context: ClassMethodDecoratorContext,
): AnyFunction {
  if (context.kind !== "method" || typeof value !== "function") throw misuse(kind.name, describeTarget(context.kind));
  const methodName = typeof context.name === "symbol" ? (context.name.description ?? "symbol") : context.name;
  const metadata = (context as { metadata?: object }).metadata ?? undefined;
  const rec = buildRecord(kind, options, value as AnyFunction, methodName, {
    className: undefined,
    isStatic: context.static,
    metadata,
    isMethod: true,
  });
  if (context.static) {
    context.addInitializer(function (this: unknown) {
      if (typeof this === "function" && rec.className === undefined) {
        rec.className = this.name;
        if (rec.options.name === undefined) rec.spanName = `${this.name}.${methodName}`;
      }
    });
  }
  if (metadata !== undefined) {
    const bag = metadata as Record<symbol, DecoratedMethod<any>[] | undefined>;
    // Metadata objects inherit from the parent class's: copy the inherited list before adding to it.
    const list = Object.prototype.hasOwnProperty.call(bag, METHODS) ? bag[METHODS]! : (bag[METHODS] = [...(bag[METHODS] ?? [])]);
    // A subclass re-decorating an inherited method replaces the parent's entry, as legacy mode does.
    const inherited = list.findIndex(
      (m) => m.methodName === methodName && m.isStatic === context.static && m.kindName === kind.name,
    );
    const own: DecoratedMethod<any>[] = [];
    remember(own, rec);
    if (inherited >= 0) list[inherited] = own[0]!;
    else list.push(own[0]!);
  }
  return rec.wrapped as AnyFunction;
}

function decorateLegacy(
  kind: KindRuntime,
  options: CommonOptions & Record<string, unknown>,
  target: unknown,
  key: string | symbol,
  descriptor: PropertyDescriptor | undefined,
): PropertyDescriptor {
  if (descriptor === undefined) throw misuse(kind.name, "a field");
  if (typeof descriptor.get === "function" || typeof descriptor.set === "function") throw misuse(kind.name, "an accessor");
  if (typeof descriptor.value !== "function") throw misuse(kind.name, "a non-function property");
  const isStatic = typeof target === "function";
  const cls = (isStatic ? target : (target as { constructor?: unknown }).constructor) as Function | undefined;
  const methodName = typeof key === "symbol" ? (key.description ?? "symbol") : key;
  const rec = buildRecord(kind, options, descriptor.value as AnyFunction, methodName, {
    className: cls?.name,
    isStatic,
    metadata: undefined,
    isMethod: true,
  });
  if (rec.spanName === undefined) rec.spanName = cls?.name ? `${cls.name}.${methodName}` : methodName;
  if (cls !== undefined) {
    let list = legacyRegistry.get(cls);
    if (list === undefined) legacyRegistry.set(cls, (list = []));
    remember(list, rec);
    const reflect = Reflect as unknown as { defineMetadata?: (k: unknown, v: unknown, t: object) => void };
    // With reflect-metadata loaded (NestJS apps), the same list is visible to other reflection tools.
    if (typeof reflect.defineMetadata === "function") reflect.defineMetadata(METHODS, list, cls);
  }
  descriptor.value = rec.wrapped;
  return descriptor;
}

function isStandardContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string" &&
    "name" in value;
}

// The 2018-09 decorators proposal (SWC's `_decorate` helper, Babel's "2018-09" version) hands a decorator one
// element descriptor. Next.js compiles decorators that way when tsconfig.json lacks `experimentalDecorators`.
/** @internal */
export function isElementDescriptor(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { kind?: unknown; key?: unknown; placement?: unknown };
  return typeof v.kind === "string" && "key" in v && typeof v.placement === "string";
}

function oldProposal(kindName: string): CalltreeError {
  return new CalltreeError(
    "UNSUPPORTED_DECORATOR_MODE",
    `@${kindName} was compiled as a 2018-09-proposal decorator (an element descriptor), which calltree does not ` +
      `support. Next.js (SWC) compiles decorators this way unless tsconfig.json sets ` +
      `"compilerOptions": { "experimentalDecorators": true }: set it, or use ${kindName}.wrap(fn) instead of @${kindName}.`,
  );
}

/**
 * Applies a kind to a method in either decorator mode, telling them apart by their arguments:
 * standard (TC39) decorators receive `(value, context)`, legacy `experimentalDecorators` receive
 * `(target, key, descriptor)`. @internal
 */
export function applyDecorator(
  kind: KindRuntime,
  options: CommonOptions & Record<string, unknown>,
  args: readonly unknown[],
): unknown {
  if (args.length === 2 && isStandardContext(args[1])) {
    return decorateStandard(kind, options, args[0], args[1]);
  }
  if (args.length >= 2 && (typeof args[1] === "string" || typeof args[1] === "symbol")) {
    return decorateLegacy(kind, options, args[0], args[1], args[2] as PropertyDescriptor | undefined);
  }
  if (args.length === 1 && typeof args[0] === "function") throw misuse(kind.name, "a class");
  if (args.length === 1 && isElementDescriptor(args[0])) throw oldProposal(kind.name);
  throw misuse(kind.name, "this target");
}

/** Wraps a plain function. @internal */
export function wrapFunction(kind: KindRuntime, options: CommonOptions & Record<string, unknown>, fn: unknown): AnyFunction {
  if (typeof fn !== "function") {
    throw new CalltreeError("INVALID_ARGUMENT", `${kind.name}.wrap() takes a function, got ${fn === null ? "null" : typeof fn}.`);
  }
  if (/^class[\s{]/.test(Function.prototype.toString.call(fn))) {
    throw new CalltreeError(
      "UNSUPPORTED_TARGET",
      `${kind.name}.wrap() cannot wrap a class; decorate its methods with @${kind.name}, or wrap a function.`,
    );
  }
  const name = fn.name || "anonymous";
  return buildRecord(kind, options, fn as AnyFunction, name, {
    className: undefined,
    isStatic: false,
    metadata: undefined,
    isMethod: false,
  }).wrapped as AnyFunction;
}

/**
 * The methods of a class (or of an instance's class) decorated with calltree kinds, including inherited ones,
 * with their options: read from decorator metadata (standard decorators) or calltree's registry and
 * `reflect-metadata` (legacy decorators). Optionally only those of one kind (`"tool"`).
 */
export function decoratedMethods<O = CommonOptions>(target: object | Function, kindName?: string): DecoratedMethod<O>[] {
  const cls = (typeof target === "function" ? target : (target as { constructor?: Function }).constructor) as Function | undefined;
  if (cls === undefined) return [];
  const found: DecoratedMethod<any>[] = [];
  const seen = new Set<string>();
  const metaKey = (Symbol as { metadata?: symbol }).metadata;
  for (let c: Function | null = cls; c !== null && c !== Function.prototype; c = Object.getPrototypeOf(c) as Function | null) {
    const lists: Array<DecoratedMethod<any>[] | undefined> = [legacyRegistry.get(c)];
    if (metaKey !== undefined && Object.prototype.hasOwnProperty.call(c, metaKey)) {
      const md = (c as unknown as Record<symbol, Record<symbol, DecoratedMethod<any>[]> | undefined>)[metaKey];
      if (md !== undefined && md !== null && Object.prototype.hasOwnProperty.call(md, METHODS)) lists.push(md[METHODS]);
    }
    for (const list of lists) {
      for (const m of list ?? []) {
        const id = `${m.isStatic ? "static " : ""}${m.methodName}:${m.kindName}`;
        // A subclass's own decoration of a method wins over the parent's.
        if (seen.has(id)) continue;
        seen.add(id);
        if (kindName === undefined || m.kindName === kindName) found.push(m);
      }
    }
  }
  return found;
}
