import { readFileSync } from "node:fs";
import { diag, DiagConsoleLogger, DiagLogLevel } from "@opentelemetry/api";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { InstrumentationLike, RegisterOptions } from "./options.js";
import { resolveConfig, validateOptions } from "./internal/config.js";
import type { ResolvedConfig } from "./internal/config.js";
import { CalltreeError, configureCapture, sharedPart, useTracerProvider } from "./internal/core.js";
import { createPrinter } from "./internal/diagnostics.js";
import { autoInstrument, enableInstrumentation, manuallyInstrument } from "./internal/instrumentations.js";
import type { EnabledInstrumentation } from "./internal/instrumentations.js";
import { applyModelPrices } from "./internal/prices.js";
import { describeDestination } from "./internal/register/describe.js";
import { installExit } from "./internal/register/exit.js";
import { abandonAfter, flushWithin } from "./internal/register/flush.js";
import { installGlobals, uninstallGlobals } from "./internal/register/globals.js";
import { createPipeline } from "./internal/register/pipeline.js";
import { createProvider } from "./internal/register/provider.js";

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
  readonly provider: NodeTracerProvider;
  /** The exporter in use, if any. */
  readonly exporter: SpanExporter | undefined;
  /** The instrumentations enabled by `instrumentations` and `autoInstrument`. */
  readonly instrumentations: readonly InstrumentationLike[];
  /** The line printed at start (also when it was not printed): where traces go. Holds no secret. */
  readonly destination: string;
  /**
   * Exports every span that has ended. Resolves when they are delivered or counted as dropped; never rejects and
   * never waits longer than `flushTimeoutMillis`.
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
  /** Same as {@link Tracing.shutdown}. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface RegistrationSlot {
  active: { site: string } | undefined;
}

// Shared by every copy of @calltree/otel in the process (ESM and CJS builds), in calltree's global slot: two live
// registrations would each install globals and exit hooks.
const slot: RegistrationSlot = sharedPart<RegistrationSlot>("otel.registration", () => ({ active: undefined }));

const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose);

function callSite(): string {
  const stack = new Error().stack?.split("\n") ?? [];
  // Lines: "Error", callSite, register, then the caller.
  const frame = stack[3];
  return frame?.trim().replace(/^at\s+/, "") ?? "unknown location";
}

function inertHandle(config: ResolvedConfig): Tracing {
  const provider = new NodeTracerProvider();
  return {
    provider,
    exporter: undefined,
    instrumentations: [],
    destination: `tracing disabled (${config.sources.enabled === "OTEL_SDK_DISABLED" ? "OTEL_SDK_DISABLED=true" : "enabled: false"})`,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
    spans: () => [],
    stats: () => ({ exportedSpans: 0, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 }),
    manuallyInstrument: () => undefined,
    [asyncDispose]: () => Promise.resolve(),
  };
}

// The instrumentations given to register(), then those found installed (autoInstrument). One that fails to enable
// is reported and left out.
function enableInstrumentations(config: ResolvedConfig, provider: NodeTracerProvider, printer: ReturnType<typeof createPrinter>): EnabledInstrumentation[] {
  const enabled: EnabledInstrumentation[] = [];
  for (const instrumentation of config.instrumentations) {
    try {
      enabled.push(enableInstrumentation(instrumentation, provider));
    } catch (error) {
      diag.warn(`calltree: enabling ${instrumentation.instrumentationName ?? "an instrumentation"} failed: ${(error as Error).message}`);
    }
  }
  if (config.autoInstrument) enabled.push(...autoInstrument(provider, printer));
  return enabled;
}

/**
 * Sets up OpenTelemetry for calltree: a tracer provider with the OpenInference project as a resource, an exporter
 * (OTLP to Phoenix or any collector, the console tree, a file, memory), batching that survives bursts, span limits
 * fit for long chats, exit hooks that flush, and (by default) the OpenTelemetry globals. Decorated calls record
 * with this provider from now on, including methods decorated before the call.
 *
 * Options beat environment variables, which beat defaults (see docs/configuration.md). Prints at most one line,
 * saying where traces go, unless `logLevel` is `"silent"` or `"warn"`/`"error"`.
 *
 * @throws {CalltreeError} `INVALID_OPTIONS` for a wrong option, `INVALID_ENVIRONMENT` for a wrong environment
 *   variable, `ALREADY_REGISTERED` when a previous registration was not shut down, `PRICES_NEED_LLM` when `prices`
 *   is given without `@calltree/llm`, and core's `INVALID_CAPTURE_OPTIONS` for wrong `capture` options. Nothing is
 *   set up when it throws.
 */
export function register(options?: RegisterOptions): Tracing {
  const validated = validateOptions(options);
  const config = resolveConfig(validated, process.env, (path) => readFileSync(path));
  if (!config.enabled) return inertHandle(config);
  if (slot.active !== undefined) {
    throw new CalltreeError(
      "ALREADY_REGISTERED",
      `register() was already called (at ${slot.active.site}) and that registration is still active. ` +
        "Reuse its handle, or `await tracing.shutdown()` it before calling register() again.",
    );
  }

  // Settings that can still throw come before anything is installed (prices first: a missing @calltree/llm is
  // the likelier failure, and then the capture settings are left as they were too).
  if (config.prices !== undefined) applyModelPrices(config.prices);
  if (config.capture !== undefined) configureCapture(config.capture);

  if (config.diagLogLevel !== undefined) {
    diag.setLogger(new DiagConsoleLogger(), {
      logLevel: DiagLogLevel[config.diagLogLevel as keyof typeof DiagLogLevel],
      suppressOverrideMessage: true,
    });
  }
  const printer = createPrinter(config.logLevel);
  const destination = describeDestination(config);
  const pipeline = createPipeline(config, printer);
  const { processor, drops, memory, otlpExporter } = pipeline;
  const provider = createProvider(config, processor);
  const owned = installGlobals(provider, config.global);
  useTracerProvider(provider);
  printer.print("info", destination);
  const enabled = enableInstrumentations(config, provider, printer);
  const uninstallExitHooks = installExit(config, pipeline);

  slot.active = { site: callSite() };

  let shutdownPromise: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      uninstallExitHooks?.();
      for (const { instrumentation } of enabled) {
        try {
          instrumentation.disable();
        } catch (error) {
          diag.warn(`calltree: disabling an instrumentation failed: ${(error as Error).message}`);
        }
      }
      // One deadline for all of it: the flush, then the provider's shutdown.
      const deadline = Date.now() + config.flushTimeoutMillis;
      // As at exit: an endpoint that refuses connections ends the wait at once, and the report names the cause.
      const outcome = await flushWithin(pipeline, config.flushTimeoutMillis, true);
      if (!outcome.complete) {
        abandonAfter(pipeline, outcome);
        // Requests still running carry spans now counted as dropped. Ended here, they do not hold up the exporter's
        // shutdown below, which would otherwise wait for them.
        otlpExporter?.abort();
      }
      drops.report();
      // The processor is flushed already; the provider shuts down the others (user processors) and the exporter.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        provider.shutdown().catch((error: unknown) => diag.warn(`calltree: shutdown failed: ${(error as Error).message}`)),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, deadline - Date.now())); }),
      ]);
      clearTimeout(timer);
      otlpExporter?.abort();
      // Spans of calls still running end after this: they are counted and told (not lost silently).
      drops.close();
      useTracerProvider(undefined);
      uninstallGlobals(owned);
      slot.active = undefined;
    })();
    return shutdownPromise;
  };

  return {
    provider,
    exporter: pipeline.exporter,
    instrumentations: enabled.map((x) => x.instrumentation),
    destination,
    forceFlush: async () => {
      await flushWithin(pipeline, config.flushTimeoutMillis, false);
      drops.report();
    },
    shutdown,
    spans: () => memory?.getFinishedSpans() ?? [],
    stats: () => processor?.stats() ?? { exportedSpans: 0, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 },
    manuallyInstrument: (modules) => manuallyInstrument(enabled, modules),
    [asyncDispose]: shutdown,
  };
}
