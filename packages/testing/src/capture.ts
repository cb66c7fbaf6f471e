import { context, trace } from "@opentelemetry/api";
import type { AttributeValue, TracerProvider } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { expectTraces } from "./expect.js";
import type { ExpectedSpan } from "./expect.js";
import {
  createCalltreeSpanProcessor,
  currentTracerProvider,
  hasContextManager,
  isNoopTracerProvider,
  useTracerProvider,
} from "@calltree/core/sdk";

/** Options of {@link captureTraces}. */
export interface CaptureTracesOptions {
  /** Also make the capturing provider the OpenTelemetry global one (for code that uses `trace.getTracer()`). */
  global?: boolean;
  /** Span attribute count limit (default 10,000, as `register()`). */
  attributeCountLimit?: number;
}

/** A finished span with its children, as {@link CapturedTraces.traces} returns it. */
export interface SpanNode {
  span: ReadableSpan;
  children: SpanNode[];
}

/** A query for {@link CapturedTraces.find}: every given field must match. */
export interface SpanQuery {
  /** `openinference.span.kind`, e.g. `"LLM"`. */
  kind?: string;
  /** Exact span name, or a pattern. */
  name?: string | RegExp;
  /** Attributes that must be present with these values. */
  attributes?: Record<string, AttributeValue>;
}

/**
 * The spans captured by {@link captureTraces}. Only finished spans are visible; a span of an async call appears
 * when the call settles (await it, or use {@link CapturedTraces.flush} after timers).
 */
export interface CapturedTraces extends Disposable {
  /** All finished spans, in the order they ended. */
  readonly spans: ReadableSpan[];
  /** Finished spans grouped by trace (first-started trace first), each as a forest of roots. */
  traces(): SpanNode[][];
  /** Spans matching every field of `query`. */
  find(query: SpanQuery): ReadableSpan[];
  /** The one span matching `query`; throws a readable error when there are none or several. */
  get(query: SpanQuery): ReadableSpan;
  /** The parent span of `span` among the captured ones. */
  parentOf(span: ReadableSpan): ReadableSpan | undefined;
  /**
   * The captured traces as indented lines of `KIND name`, children under parents, ordered by start time:
   * a stable shape for assertions (no ids, no durations).
   */
  shape(): string;
  /**
   * Asserts the captured traces (all of them, first-started first) have the expected shape; see
   * {@link expectTraces}. Throws an `AssertionError` with a readable diff otherwise.
   */
  expect(expected: readonly ExpectedSpan[]): void;
  /** Forgets the spans captured so far. */
  reset(): void;
  /** Waits for pending timers and microtasks (one macrotask turn), for spans ended by timers. */
  flush(): Promise<void>;
  /**
   * Stops capturing and restores what was in place: calltree's provider, the context manager, and with
   * `global: true` the OpenTelemetry global provider (the app's own, if it had registered one). Idempotent.
   */
  restore(): void;
  /** The provider spans are captured with. */
  readonly provider: TracerProvider;
}

function spanId(s: ReadableSpan): string {
  return s.spanContext().spanId;
}

function parentId(s: ReadableSpan): string | undefined {
  return s.parentSpanContext?.spanId;
}

function startNs(s: ReadableSpan): number {
  return s.startTime[0] * 1e9 + s.startTime[1];
}

/**
 * Makes `provider` the global tracer provider and returns how to put back exactly what was global before: the
 * app's own provider (an app's test may register one before capturing), or nothing. The API refuses a second
 * registration, so an existing global proxy is pointed at `provider` instead, and back at the app's provider on
 * restore: `trace.getTracerProvider()` then returns the very object it returned before.
 */
function takeOverGlobalProvider(provider: TracerProvider): () => void {
  const global = asProxy(trace.getTracerProvider());
  if (global !== undefined) {
    const previous = global.getDelegate();
    if (!isNoopTracerProvider(previous)) {
      global.setDelegate(provider);
      return () => {
        // Only undone while still ours: a later capture or the app may have changed it since.
        if (global.getDelegate() === provider) global.setDelegate(previous);
      };
    }
  }
  if (!trace.setGlobalTracerProvider(provider)) return () => undefined;
  return () => {
    if (asProxy(trace.getTracerProvider())?.getDelegate() === provider) trace.disable();
  };
}

/** What the API's `ProxyTracerProvider` offers to point it elsewhere. */
interface ProxyLike {
  getDelegate(): TracerProvider;
  setDelegate(delegate: TracerProvider): void;
}

/** The global proxy provider, told by shape: another copy of the API makes its own class. */
function asProxy(p: TracerProvider): ProxyLike | undefined {
  const candidate = p as Partial<ProxyLike>;
  return typeof candidate.getDelegate === "function" && typeof candidate.setDelegate === "function"
    ? (candidate as ProxyLike)
    : undefined;
}

/**
 * Captures the spans made from now on, in memory, for assertions: decorated calls anywhere in the process use
 * the capturing provider (through calltree's provider slot; the OpenTelemetry global is left alone unless
 * `global: true`). An AsyncLocalStorage context manager is installed if none is, so nesting works as in an app
 * set up with `register()`.
 *
 * Use `using traces = captureTraces()` (or call `restore()`) so each test cleans up after itself.
 */
export function captureTraces(options: CaptureTracesOptions = {}): CapturedTraces {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [createCalltreeSpanProcessor(), new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: options.attributeCountLimit ?? 10_000 },
  });
  const previousProvider = currentTracerProvider();
  let manager: AsyncLocalStorageContextManager | undefined;
  if (!hasContextManager()) {
    manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
  }
  const undoGlobal = options.global === true ? takeOverGlobalProvider(provider) : undefined;
  useTracerProvider(provider);
  let restored = false;

  const spans = (): ReadableSpan[] => exporter.getFinishedSpans() as ReadableSpan[];
  const matches = (s: ReadableSpan, q: SpanQuery): boolean => {
    if (q.kind !== undefined && s.attributes[SC.OPENINFERENCE_SPAN_KIND] !== q.kind) return false;
    if (q.name !== undefined && (typeof q.name === "string" ? s.name !== q.name : !q.name.test(s.name))) return false;
    for (const [k, v] of Object.entries(q.attributes ?? {})) {
      if (JSON.stringify(s.attributes[k]) !== JSON.stringify(v)) return false;
    }
    return true;
  };

  const captured: CapturedTraces = {
    get spans() {
      return spans();
    },
    provider,
    traces() {
      const all = [...spans()].sort((a, b) => startNs(a) - startNs(b));
      const byId = new Map(all.map((s) => [spanId(s), { span: s, children: [] as SpanNode[] }]));
      const byTrace = new Map<string, SpanNode[]>();
      for (const node of byId.values()) {
        const parent = parentId(node.span);
        const p = parent === undefined ? undefined : byId.get(parent);
        if (p !== undefined && p.span.spanContext().traceId === node.span.spanContext().traceId) p.children.push(node);
        else {
          const tid = node.span.spanContext().traceId;
          if (!byTrace.has(tid)) byTrace.set(tid, []);
          byTrace.get(tid)!.push(node);
        }
      }
      return [...byTrace.values()];
    },
    find(query) {
      return spans().filter((s) => matches(s, query));
    },
    get(query) {
      const found = captured.find(query);
      if (found.length !== 1) {
        throw new Error(
          `expected exactly one span matching ${JSON.stringify(query, (_k, v) => (v instanceof RegExp ? String(v) : v))}, ` +
            `found ${found.length}. Captured:\n${captured.shape()}`,
        );
      }
      return found[0]!;
    },
    parentOf(span) {
      const id = parentId(span);
      return id === undefined ? undefined : spans().find((s) => spanId(s) === id);
    },
    shape() {
      const lines: string[] = [];
      const walk = (node: SpanNode, depth: number) => {
        const kind = node.span.attributes[SC.OPENINFERENCE_SPAN_KIND] ?? "-";
        lines.push(`${"  ".repeat(depth)}${String(kind)} ${node.span.name}`);
        for (const c of node.children) walk(c, depth + 1);
      };
      for (const roots of captured.traces()) for (const r of roots) walk(r, 0);
      return lines.join("\n");
    },
    expect(expected) {
      expectTraces(captured.traces().flat(), expected);
    },
    reset() {
      exporter.reset();
    },
    async flush() {
      await new Promise((r) => setImmediate(r));
    },
    restore() {
      if (restored) return;
      restored = true;
      useTracerProvider(previousProvider);
      undoGlobal?.();
      if (manager !== undefined) {
        manager.disable();
        context.disable();
      }
    },
    [Symbol.dispose]() {
      captured.restore();
    },
  };
  return captured;
}
