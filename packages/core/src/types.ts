import type { Attributes, AttributeValue, Span } from "@opentelemetry/api";
import type { CommonOptions } from "./common-options.js";

/** Any function. */
// biome-ignore lint: `any` is needed so every function type is assignable.
export type AnyFunction = (...args: any[]) => any;

/**
 * One call of a decorated function, as kinds see it in their hooks. Everything written through it passes
 * through masking; nothing it does throws into the app. `D` is the type of the kind's scratch space
 * {@link CallInfo.data} (see `KindDefinition`'s third type parameter).
 */
export interface CallInfo<O = CommonOptions, D = unknown> {
  /** The validated options of the decorated method. */
  readonly options: Readonly<O & CommonOptions>;
  /** The call's arguments, as passed. */
  readonly args: readonly unknown[];
  /** `this` of the call (available in `onStart`; `undefined` afterwards, so results can be collected). */
  readonly thisArg: unknown;
  /** The method or function name (`"ask"`, `"#secret"`). */
  readonly methodName: string;
  /** The span of this call; it has started before any hook runs (its id is known in `onStart`). */
  readonly span: Span;
  /** Scratch space for the kind, e.g. a stream aggregator; starts `undefined`, kept for the whole call. */
  data: D | undefined;
  /** Sets attributes on the span, after masking. Ignored once the span ended. */
  setAttributes(attributes: Attributes): void;
  /**
   * One attribute of what the running hook has to say, through the same capture as the attributes a hook returns
   * (`captureInput`/`captureOutput`, masking, the size limit). In `onStart` and `onResult` it counts as a key of the
   * returned attributes (a returned key of the same name wins; an `input.value` or `output.value` set here replaces
   * the default capture as a returned one does) and, with no hide flag set and no side withheld, goes to the span at
   * once, with no object built and walked: the cheap way for a hook to say a few keys. Anywhere else it is written
   * at once, as {@link CallInfo.setAttributes} writes. `undefined` writes nothing; ignored once the span ended.
   */
  set(key: string, value: AttributeValue | undefined): void;
  /** Adds an event to the span. Ignored once the span ended. */
  addEvent(name: string, attributes?: Attributes): void;
  /** The nearest enclosing calltree call (optionally of the given kind name, e.g. `"agent"`); its span exists. */
  parentCall(kindName?: string): CallInfo | undefined;
  /** The kind name of this call (`"llm"`). */
  readonly kindName: string;
  /**
   * Keeps the span open until `work` settles (at most 5 s), so attributes it writes after the call returned still
   * land; the span keeps the call's end time. For reading a copy of a response body while the app reads its own.
   */
  waitFor(work: Promise<unknown>): void;
}

/**
 * The call as a kind's `onStart` hook sees it: the span has started (with the span kind as its only start
 * attribute, so `call.span.spanContext()` gives its ids), the method has not run yet, and what `onStart` has to say
 * goes into the attributes it returns (or through {@link CallInfo.set}), written with the call's other start
 * attributes (static, context, input) and through the same capture, rather than through `setAttributes` or `addEvent`.
 */
export type CallStart<O = CommonOptions, D = unknown> = Omit<CallInfo<O, D>, "setAttributes" | "addEvent">;

/** A decorated method as read back from a class with {@link decoratedMethods}. */
export interface DecoratedMethod<O = CommonOptions> {
  /** The kind name (`"tool"`). */
  kindName: string;
  /** The OpenInference span kind (`"TOOL"`). */
  spanKind: string;
  /** The method name. */
  methodName: string;
  /** True for static methods. */
  isStatic: boolean;
  /** The options given to the decorator, validated. */
  options: Readonly<O & CommonOptions>;
}
