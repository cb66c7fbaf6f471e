import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { InstrumentationLike } from "./options.js";

/**
 * A fetch handler: a request (and whatever the runtime passes after it: a Worker's `env` and `ctx`, an edge `event`)
 * in, a `Response` out.
 */
export type FetchHandler<A extends unknown[] = unknown[]> = (request: Request, ...rest: A) => Response | Promise<Response>;

/** Counters of a registration. */
export interface TracingStats {
  /** Spans the exporter accepted. */
  exportedSpans: number;
  /** Spans lost: export failures, a full queue, or still unsent when the process ended. */
  droppedSpans: number;
  /** Spans waiting for an export slot. */
  queuedSpans: number;
  /** Spans being exported. */
  inFlightSpans: number;
}

/**
 * What {@link register} returns. Keep it to flush or shut down; `await using tracing = register()` shuts down at
 * the end of the scope.
 */
export interface Tracing {
  /** The OpenTelemetry provider calltree's decorators record with (global unless `global: false`). */
  readonly provider: BasicTracerProvider;
  /** The exporter in use, if any. */
  readonly exporter: SpanExporter | undefined;
  /** The instrumentations enabled by `instrumentations` and `autoInstrument`. */
  readonly instrumentations: readonly InstrumentationLike[];
  /** The line printed at start (also when it was not printed): where traces go. Holds no secret. */
  readonly destination: string;
  /**
   * Exports every span that has ended. Resolves when they are delivered or counted as dropped; never rejects and
   * never waits longer than `flushTimeoutMillis`. In a Worker or edge function, hand it to the runtime after the
   * response (`ctx.waitUntil(tracing.forceFlush())`), or use {@link Tracing.handler}, which does.
   */
  forceFlush(): Promise<void>;
  /**
   * Flushes, shuts the exporter down and undoes what register() set up (globals, exit hooks, the provider used by
   * decorators). Resolves within `flushTimeoutMillis`, and at once when the endpoint refuses connections or rejects
   * requests; spans it could not deliver are counted as dropped (the one line on stderr names the cause and its fix),
   * and their requests ended. Spans of calls that end after it are counted as dropped and reported too. Never rejects. Idempotent: later calls return the same promise. After it, register()
   * may be called again.
   */
  shutdown(): Promise<void>;
  /** Spans kept by the `"memory"` exporter (an empty array with other exporters). */
  spans(): ReadableSpan[];
  /** Counters: exported, dropped, queued and in-flight spans. */
  stats(): TracingStats;
  /**
   * For ES module apps: patches modules that the enabled instrumentations could not hook, e.g.
   * `tracing.manuallyInstrument({ openai })` after `import * as openai from "openai"`.
   * @throws {CalltreeError} `NO_INSTRUMENTATION` when no enabled instrumentation patches a named module.
   */
  manuallyInstrument(modules: Record<string, unknown>): void;
  /**
   * Wraps a fetch handler (`(request, ...rest) => Response`, the shape of Cloudflare Workers, Vercel's edge runtime,
   * Deno.serve, Bun.serve and Next.js route handlers) for runtimes that may freeze or end the process between
   * requests. The wrapper calls `fn` as it is (same `this`, arguments, response or error) and then flushes: when the
   * response has a body, once the body has been read to its end or cancelled (so the spans of a streamed answer have
   * ended), else at once; also when `fn` throws or rejects.
   *
   * - When an argument after the request has a `waitUntil` function (a Worker's `ctx`, an edge `event`), the flush
   *   is handed to `waitUntil` and the response goes back at once; the runtime keeps the request alive until its
   *   spans are exported.
   * - Otherwise the flush is awaited before the response is returned (no body) or before its body ends (a body).
   *
   * The wrapper always returns a promise. A response with a body is returned as a new `Response` with the same status, headers and chunks; one without is
   * returned as is. The flush is {@link Tracing.forceFlush}: it resolves when every span that has ended is exported,
   * or dropped and counted, within `flushTimeoutMillis`; it never rejects. See docs/runtimes.md.
   */
  handler<A extends unknown[]>(fn: FetchHandler<A>): (request: Request, ...rest: A) => Promise<Response>;
  /** Same as {@link Tracing.shutdown}. */
  [Symbol.asyncDispose](): Promise<void>;
}

