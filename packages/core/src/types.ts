import type { Attributes, Span } from "@opentelemetry/api";

/** Any function. */
// biome-ignore lint: `any` is needed so every function type is assignable.
export type AnyFunction = (...args: any[]) => any;

/**
 * Options every kind accepts, in `@kind(options)` and `kind.wrap(fn, options)`. Mappers and the `attributes`
 * function run inside a guard: if they throw, the call goes on, that part is not recorded and one diagnostic
 * is reported.
 */
export interface CommonOptions {
  /** Span name; default `ClassName.method` for methods, the function's name for `wrap()`. */
  name?: string;
  /** Maps the call's arguments to the value recorded as `input.value` (a string is `text/plain`, else JSON). */
  input?: (...args: any[]) => unknown;
  /** Maps the result (awaited; for streams the collected output) to the value recorded as `output.value`. */
  output?: (result: any) => unknown;
  /**
   * Record the call's input (default true). `false` leaves off `input.value` and every attribute read from the
   * arguments: embedding texts, reranker query and input documents, prompt template and variables, input
   * messages (the table per kind is in docs/privacy.md).
   */
  captureInput?: boolean;
  /**
   * Record the call's output (default true). `false` leaves off `output.value` and every attribute read from the
   * result or stream: embedding vectors, retrieved and reranked documents, an evaluation's label, explanation and
   * metadata, a guardrail's reason, output messages (docs/privacy.md).
   */
  captureOutput?: boolean;
  /** Extra attributes: a fixed object, or a function of the call's arguments. */
  attributes?: Attributes | ((...args: any[]) => Attributes);
  /**
   * Start a new trace at this call instead of a child of the caller's span; the new root span carries a link
   * to the caller's span. Context values (session, user, metadata, tags) still apply.
   */
  root?: boolean;
}

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
  /** The span of this call. It exists from the moment the span started: in every hook but `onStart`. */
  readonly span: Span;
  /** Scratch space for the kind, e.g. a stream aggregator; starts `undefined`, kept for the whole call. */
  data: D | undefined;
  /** Sets attributes on the span, after masking. Ignored once the span ended. */
  setAttributes(attributes: Attributes): void;
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
 * The call as a kind's `onStart` hook sees it: the span is started right after `onStart` returns (so that the
 * span's start attributes can include what `onStart` read), so there is no `span` yet, and what `onStart` has to
 * say goes into the attributes it returns rather than through `setAttributes` or `addEvent`.
 */
export type CallStart<O = CommonOptions, D = unknown> = Omit<CallInfo<O, D>, "span" | "setAttributes" | "addEvent">;

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
