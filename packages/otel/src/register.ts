import { readFileSync } from "node:fs";
import { context, diag, DiagConsoleLogger, DiagLogLevel, propagation, trace } from "@opentelemetry/api";
import { SEMRESATTRS_PROJECT_NAME } from "@arizeai/openinference-semantic-conventions";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan, Sampler, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { InstrumentationLike, RegisterOptions } from "./options.js";
import { resolveConfig, validateOptions } from "./internal/config.js";
import type { ResolvedConfig, SamplerConfig } from "./internal/config.js";
import { ConsoleTraceExporter } from "./internal/console-exporter.js";
import {
  CalltreeError,
  configureCapture,
  createCalltreeSpanProcessor,
  globalTracerDelegate,
  hasContextManager,
  isNoopTracerProvider,
  sharedPart,
  useTracerProvider,
} from "./internal/core.js";
import { createPrinter, DropReporter, FaultLog, maskUrl } from "./internal/diagnostics.js";
import type { Printer } from "./internal/diagnostics.js";
import { installExitHooks, reportLossAtExit } from "./internal/exit-hooks.js";
import { JsonLinesFileExporter } from "./internal/file-exporter.js";
import { MemorySpanExporter } from "./internal/memory-exporter.js";
import { autoInstrument, enableInstrumentation, manuallyInstrument } from "./internal/instrumentations.js";
import type { EnabledInstrumentation } from "./internal/instrumentations.js";
import { OtlpHttpSpanExporter } from "./internal/otlp.js";
import { applyModelPrices } from "./internal/prices.js";
import { CalltreeSpanProcessor } from "./internal/span-processor.js";
import { GenAiConventionsProcessor } from "./internal/genai-conventions.js";

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

function makeSampler(config: SamplerConfig): Sampler {
  switch (config.type) {
    case "always_on": return new AlwaysOnSampler();
    case "always_off": return new AlwaysOffSampler();
    case "traceidratio": return new TraceIdRatioBasedSampler(config.ratio);
    case "parentbased_always_on": return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off": return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio": return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.ratio) });
  }
}

function hasGlobalTracerProvider(): boolean {
  return !isNoopTracerProvider(globalTracerDelegate());
}

function describeDestination(config: ResolvedConfig): string {
  const e = config.exporter;
  const project = `project "${config.projectName}"`;
  switch (e.kind) {
    case "otlp": {
      const details: string[] = [e.protocol];
      if (e.compression === "gzip") details.push("gzip");
      details.push(project);
      const names = Object.keys(e.headers);
      if (names.length > 0) details.push(`headers: ${names.join(", ")}`);
      return `traces → ${maskUrl(e.url)} (${details.join(", ")})`;
    }
    case "console":
      return `traces → console, one tree per trace (${project}); set PHOENIX_COLLECTOR_ENDPOINT or register({ endpoint }) to export them`;
    case "file":
      return `traces → ${e.path} (OTLP/JSON lines, ${project}); view them with: npx calltree view ${e.path}`;
    case "memory":
      return `traces → memory (${project}); read them with tracing.spans()`;
    case "none":
      return `traces → no exporter (${project})`;
    case "custom":
      return `traces → ${e.exporter.constructor?.name || "custom exporter"} (${project})`;
  }
}

function colorWanted(option: boolean | undefined): boolean {
  if (option !== undefined) return option;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
  return process.stderr.isTTY === true;
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
  const printer: Printer = createPrinter(config.logLevel);
  const destination = describeDestination(config);

  // Exporter and processor.
  let exporter: SpanExporter | undefined;
  let memory: MemorySpanExporter | undefined;
  let faults: FaultLog | undefined;
  let otlpExporter: OtlpHttpSpanExporter | undefined;
  let concurrent = 1;
  let synchronous = false;
  let consoleExporter: ConsoleTraceExporter | undefined;
  const e = config.exporter;
  switch (e.kind) {
    case "otlp": {
      faults = new FaultLog(maskUrl(e.url));
      exporter = otlpExporter = new OtlpHttpSpanExporter(e, faults);
      concurrent = Number.MAX_SAFE_INTEGER;
      break;
    }
    case "console":
      consoleExporter = new ConsoleTraceExporter({
        write: (text) => process.stderr.write(text),
        color: colorWanted(e.color),
      });
      exporter = consoleExporter;
      synchronous = true;
      break;
    case "file":
      exporter = new JsonLinesFileExporter(e.path);
      faults = new FaultLog(e.path);
      synchronous = true;
      break;
    case "memory":
      exporter = memory = new MemorySpanExporter();
      synchronous = true;
      break;
    case "custom":
      exporter = e.exporter;
      faults = new FaultLog(e.exporter.constructor?.name || "custom exporter");
      break;
    case "none":
      break;
  }
  const drops = new DropReporter(printer, faults);
  const processor = exporter === undefined ? undefined : new CalltreeSpanProcessor({
    exporter,
    // The memory exporter is read in place: spans are there as soon as they end.
    maxExportBatchSize: e.kind === "memory" ? 1 : config.batch.maxExportBatchSize,
    // The console exporter prints synchronously and groups traces itself: it gets spans at the next tick, so a span
    // that ends just after its root (a fire-and-forget call) reaches it while the trace is still held.
    scheduledDelayMillis: config.batch.enabled && e.kind !== "console" ? config.batch.scheduledDelayMillis : 0,
    maxQueueSize: config.batch.maxQueueSize,
    maxConcurrentExports: concurrent,
    maxPendingBytes: config.batch.maxPendingMegabytes * 1024 * 1024,
    exportGuardMillis: Math.max(30_000, 2 * (e.kind === "otlp" ? e.timeoutMillis : 10_000)),
    exportOnLocalRootEnd: e.kind === "console" || !config.batch.enabled,
    onDropped: (count, reason, error) => drops.add(count, reason, error),
    onExportFailed: (error) => faults?.error(error),
  });

  const attributes: Record<string, string | number | boolean | string[] | number[] | boolean[]> = {};
  for (const [k, v] of Object.entries(config.resourceAttributes)) if (v !== undefined) attributes[k] = v as string;
  attributes[SEMRESATTRS_PROJECT_NAME] = config.projectName;
  if (config.serviceName !== undefined) attributes[ATTR_SERVICE_NAME] = config.serviceName;
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes(attributes)),
    sampler: makeSampler(config.sampler),
    spanLimits: {
      attributeCountLimit: config.spanLimits.attributeCountLimit,
      attributeValueLengthLimit: config.spanLimits.attributeValueLengthLimit ?? Infinity,
      eventCountLimit: config.spanLimits.eventCountLimit,
      linkCountLimit: config.spanLimits.linkCountLimit,
      attributePerEventCountLimit: config.spanLimits.attributePerEventCountLimit,
      attributePerLinkCountLimit: config.spanLimits.attributePerLinkCountLimit,
    },
    // Core's processor comes first: it shows a decorated call the spans that end inside it (an auto-instrumented
    // LLM call inside an @llm method), before any exporter sees them.
    // The GenAI mapping runs at onEnding, after core's bookkeeping and before any exporter or user processor.
    spanProcessors: [
      createCalltreeSpanProcessor() as SpanProcessor,
      ...(config.conventions === "openinference" ? [] : [new GenAiConventionsProcessor(config.conventions)]),
      ...(processor ? [processor] : []),
      ...config.spanProcessors,
    ],
  });

  // Globals. A context manager is needed for nesting in both modes; it is installed only where none is.
  let ownsContext = false;
  let ownsTrace = false;
  let ownsPropagation = false;
  if (!hasContextManager()) {
    ownsContext = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  if (config.global) {
    if (hasGlobalTracerProvider()) {
      diag.warn(
        "calltree: another OpenTelemetry tracer provider is already global; calltree's decorators and the " +
          "instrumentations given to register() use calltree's provider, other instrumentation keeps using the other one.",
      );
    } else {
      ownsTrace = trace.setGlobalTracerProvider(provider);
    }
    if (propagation.fields().length === 0) {
      ownsPropagation = propagation.setGlobalPropagator(
        new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
      );
    }
  }
  useTracerProvider(provider);
  printer.print("info", destination);

  const enabled: EnabledInstrumentation[] = [];
  for (const instrumentation of config.instrumentations) {
    try {
      enabled.push(enableInstrumentation(instrumentation, provider));
    } catch (error) {
      diag.warn(`calltree: enabling ${instrumentation.instrumentationName ?? "an instrumentation"} failed: ${(error as Error).message}`);
    }
  }
  if (config.autoInstrument) enabled.push(...autoInstrument(provider, printer));

  /**
   * Waits for the processor's flush, at most `timeoutMillis`. With `giveUpOnFault` (at exit and shutdown), an
   * endpoint that refuses connections or rejects requests ends the wait at once: it will not take the spans in the
   * time left, and waiting would only delay the exit. A busy server (429/503) or a slow one gets until the deadline.
   * Resolves with whether everything was delivered and, when it gave up on a fault, that fault.
   */
  const flushWithin = async (timeoutMillis: number, giveUpOnFault: boolean): Promise<{ complete: boolean; fault?: Error }> => {
    if (processor === undefined) return { complete: true };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe: (() => void) | undefined;
    const gaveUp = new Promise<{ complete: false; fault?: Error }>((resolve) => {
      timer = setTimeout(() => resolve({ complete: false }), timeoutMillis);
      if (giveUpOnFault && faults) {
        unsubscribe = faults.onFault((key, text) => {
          if (key.startsWith("net:") || /^http:4\d\d$/.test(key) && key !== "http:429") resolve({ complete: false, fault: new Error(text) });
        });
        // Exports waiting to retry try again now, so an endpoint that is still down says so at once rather than
        // after a back-off of up to several seconds.
        otlpExporter?.retryNow();
      }
    });
    const outcome = await Promise.race([processor.forceFlush().then(() => ({ complete: true })), gaveUp]);
    clearTimeout(timer);
    unsubscribe?.();
    return outcome;
  };

  /** Counts what a flush that gave up leaves unsent: as failed exports when the endpoint is at fault. */
  const abandonAfter = (outcome: { complete: boolean; fault?: Error }): void => {
    if (outcome.complete || processor === undefined) return;
    if (outcome.fault !== undefined) processor.abandon("export-failed", outcome.fault);
    else processor.abandon("exit");
  };

  const uninstallExitHooks = processor === undefined
    ? undefined
    : !config.flushOnExit
    ? reportLossAtExit(() => {
        processor.abandon("exit");
        // Traces the console exporter holds were exported to it: they are printed, not lost.
        if (consoleExporter) consoleExporter.printIncomplete();
        drops.report();
      })
    : installExitHooks({
        pending: () => !processor.idle(),
        // Reports nothing: an `exit` event (flushSync) or, at a signal, flushSync right before the signal is raised
        // again, follows and says once what was lost, including spans the app ended during this flush.
        flushForExit: async () => {
          const outcome = await flushWithin(config.flushTimeoutMillis, true);
          abandonAfter(outcome);
          if (consoleExporter) consoleExporter.printIncomplete();
          return outcome.complete;
        },
        flushSync: () => {
          processor.flushAtExit(synchronous);
          if (consoleExporter) consoleExporter.printIncomplete();
          drops.report();
        },
      });

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
      const outcome = await flushWithin(config.flushTimeoutMillis, true);
      if (!outcome.complete) {
        abandonAfter(outcome);
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
      if (ownsTrace) trace.disable();
      if (ownsPropagation) propagation.disable();
      if (ownsContext) context.disable();
      slot.active = undefined;
    })();
    return shutdownPromise;
  };

  return {
    provider,
    exporter,
    instrumentations: enabled.map((x) => x.instrumentation),
    destination,
    forceFlush: async () => {
      await flushWithin(config.flushTimeoutMillis, false);
      drops.report();
    },
    shutdown,
    spans: () => memory?.getFinishedSpans() ?? [],
    stats: () => processor?.stats() ?? { exportedSpans: 0, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 },
    manuallyInstrument: (modules) => manuallyInstrument(enabled, modules),
    [asyncDispose]: shutdown,
  };
}
