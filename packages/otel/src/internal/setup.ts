import { context, createContextKey, diag, DiagConsoleLogger, DiagLogLevel, propagation, ProxyTracerProvider, trace } from "@opentelemetry/api";
import type { ContextManager } from "@opentelemetry/api";
import { SEMRESATTRS_PROJECT_NAME } from "@arizeai/openinference-semantic-conventions";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import type { BasicTracerProvider, Sampler, SpanExporter, SpanProcessor, TracerConfig } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { InstrumentationLike, RegisterOptions } from "../options.js";
import type { Tracing } from "../tracing.js";
import { resolveConfig, validateOptions } from "./config.js";
import type { ResolvedConfig, SamplerConfig } from "./config.js";
import { ConsoleTraceExporter } from "./console-exporter.js";
import { CalltreeError, configureCapture, createCalltreeSpanProcessor, useTracerProvider } from "./core.js";
import { createPrinter, DropReporter, FaultLog, maskUrl } from "./diagnostics.js";
import type { Printer } from "./diagnostics.js";
import type { Env } from "./env.js";
import type { ExitTarget } from "./exit-hooks.js";
import { flushingHandler } from "./handler.js";
import { MemorySpanExporter } from "./memory-exporter.js";
import type { EnabledInstrumentation } from "./instrumentations.js";
import { OtlpHttpSpanExporter } from "./otlp.js";
import type { OtlpConfig, OtlpTransport } from "./otlp.js";
import { applyModelPrices } from "./prices.js";
import { CalltreeSpanProcessor } from "./span-processor.js";
import { GenAiConventionsProcessor } from "./genai-conventions.js";

/**
 * What register() needs from the runtime, so that one setup serves Node (internal/platform-node.ts) and runtimes
 * without Node's modules (internal/platform-web.ts, loaded by the `workerd`, `edge-light` and `worker` export
 * conditions). Nothing here is imported by this file: each platform brings its own.
 */
export interface Platform {
  /** The environment variables (`process.env`, or what the runtime has). */
  env(): Env;
  /** Reads a TLS file named by an environment variable. */
  readFile(path: string): Buffer;
  /** The transports this runtime has; the first is the default. */
  transports: Partial<Record<"node" | "fetch", (config: OtlpConfig) => OtlpTransport>>;
  createProvider(config: TracerConfig): BasicTracerProvider;
  /** The context manager to install where none is: throws a CalltreeError where the runtime has none. */
  contextManager(config: ResolvedConfig): ContextManager;
  /** Writes calltree's lines (stderr). */
  write(text: string): void;
  /** Whether the console tree is coloured when `color` is not given. */
  colorDefault(): boolean;
  /** Loads an optional package of the app (prices need `@calltree/llm`). */
  loadOptional(name: string): unknown;
  /** The `"file"` exporter, where files can be written. */
  fileExporter?(path: string): SpanExporter;
  /** Exit hooks, where a process exits. */
  exitHooks?: {
    install(target: ExitTarget): () => void;
    reportLossAtExit(report: () => void): () => void;
  };
  /** Instrumentations, where modules can be patched. */
  instrumentations?: {
    enable(instrumentation: InstrumentationLike, provider: BasicTracerProvider): EnabledInstrumentation;
    auto(provider: BasicTracerProvider, printer: Printer): EnabledInstrumentation[];
    manually(enabled: readonly EnabledInstrumentation[], modules: Record<string, unknown>): void;
  };
  /** Said in errors about what this runtime lacks, e.g. "this runtime (calltree's edge build)". */
  name: string;
}

interface RegistrationSlot {
  active: { site: string } | undefined;
}

// Shared by every copy of @calltree/otel in the process (ESM and CJS builds): two live registrations would each
// install globals and exit hooks.
const SLOT_KEY = Symbol.for("calltree.otel.registration.v1");
const slot: RegistrationSlot = ((globalThis as { [SLOT_KEY]?: RegistrationSlot })[SLOT_KEY] ??= { active: undefined });

const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose);

function callSite(): string {
  const stack = new Error().stack?.split("\n") ?? [];
  // Lines: "Error", callSite, setup, register, then the caller.
  const frame = stack[4];
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

const PROBE = createContextKey("calltree.otel.context-probe");

/** True when a real context manager is installed (the no-op one does not carry values into callbacks). */
function hasContextManager(): boolean {
  return context.with(context.active().setValue(PROBE, true), () => context.active().getValue(PROBE) === true);
}

const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

function hasGlobalTracerProvider(): boolean {
  const global = trace.getTracerProvider() as ProxyTracerProvider;
  const delegate = typeof global.getDelegate === "function" ? global.getDelegate() : global;
  return delegate !== NOOP_TRACER_PROVIDER;
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

function inertHandle(config: ResolvedConfig, platform: Platform): Tracing {
  const provider = platform.createProvider({});
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
    handler: (fn) => flushingHandler(fn, () => Promise.resolve()),
    [asyncDispose]: () => Promise.resolve(),
  };
}

/** register(), on the runtime `platform` describes (see register.ts and register-web.ts for its contract). */
export function setup(options: RegisterOptions | undefined, platform: Platform): Tracing {
  const validated = validateOptions(options);
  const config = resolveConfig(validated, platform.env(), (path) => platform.readFile(path));
  if (!config.enabled) return inertHandle(config, platform);
  if (slot.active !== undefined) {
    throw new CalltreeError(
      "ALREADY_REGISTERED",
      `register() was already called (at ${slot.active.site}) and that registration is still active. ` +
        "Reuse its handle, or `await tracing.shutdown()` it before calling register() again.",
    );
  }

  // Settings that can still throw come before anything is installed (prices first: a missing @calltree/llm is
  // the likelier failure, and then the capture settings are left as they were too).
  const transport = config.exporter.kind === "otlp" ? pickTransport(config.exporter, platform) : undefined;
  if (config.exporter.kind === "file" && platform.fileExporter === undefined) {
    throw new CalltreeError("INVALID_OPTIONS", `register(): the "file" exporter writes a file, which ${platform.name} cannot: use "otlp" with an endpoint, or "console".`);
  }
  if ((config.instrumentations.length > 0 || config.autoInstrument) && platform.instrumentations === undefined) {
    throw new CalltreeError(
      "INVALID_OPTIONS",
      `register(): instrumentations patch Node modules, which ${platform.name} cannot load: leave out \`instrumentations\` and \`autoInstrument\` ` +
        "(use llm.fetch for SDK calls: new OpenAI({ fetch: llm.fetch })).",
    );
  }
  // The context manager is made before anything is installed: where the runtime has no AsyncLocalStorage, this throws.
  const contextManager = hasContextManager() ? undefined : platform.contextManager(config);
  if (config.prices !== undefined) applyModelPrices(config.prices, (name) => platform.loadOptional(name));
  if (config.capture !== undefined) configureCapture(config.capture);

  if (config.diagLogLevel !== undefined) {
    diag.setLogger(new DiagConsoleLogger(), {
      logLevel: DiagLogLevel[config.diagLogLevel as keyof typeof DiagLogLevel],
      suppressOverrideMessage: true,
    });
  }
  const printer: Printer = createPrinter(config.logLevel, (text) => platform.write(text));
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
      exporter = otlpExporter = new OtlpHttpSpanExporter(e, faults, transport!);
      concurrent = Number.MAX_SAFE_INTEGER;
      break;
    }
    case "console":
      consoleExporter = new ConsoleTraceExporter({
        write: (text) => platform.write(text),
        color: e.color ?? platform.colorDefault(),
      });
      exporter = consoleExporter;
      synchronous = true;
      break;
    case "file":
      exporter = platform.fileExporter!(e.path);
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
  const provider = platform.createProvider({
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
  if (contextManager !== undefined) {
    ownsContext = context.setGlobalContextManager(contextManager.enable());
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
      enabled.push(platform.instrumentations!.enable(instrumentation, provider));
    } catch (error) {
      diag.warn(`calltree: enabling ${instrumentation.instrumentationName ?? "an instrumentation"} failed: ${(error as Error).message}`);
    }
  }
  if (config.autoInstrument) enabled.push(...platform.instrumentations!.auto(provider, printer));

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

  const exitHooks = platform.exitHooks;
  const uninstallExitHooks = processor === undefined || exitHooks === undefined
    ? undefined
    : !config.flushOnExit
    ? exitHooks.reportLossAtExit(() => {
        processor.abandon("exit");
        // Traces the console exporter holds were exported to it: they are printed, not lost.
        if (consoleExporter) consoleExporter.printIncomplete();
        drops.report();
      })
    : exitHooks.install({
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

  const forceFlush = async (): Promise<void> => {
    await flushWithin(config.flushTimeoutMillis, false);
    drops.report();
  };

  return {
    provider,
    exporter,
    instrumentations: enabled.map((x) => x.instrumentation),
    destination,
    forceFlush,
    shutdown,
    spans: () => memory?.getFinishedSpans() ?? [],
    stats: () => processor?.stats() ?? { exportedSpans: 0, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 },
    manuallyInstrument: (modules) => platform.instrumentations?.manually(enabled, modules),
    handler: (fn) => flushingHandler(fn, forceFlush),
    [asyncDispose]: shutdown,
  };
}

/** The transport the `transport` option names, or the runtime's default; a CalltreeError where it has not that one. */
function pickTransport(e: OtlpConfig, platform: Platform): OtlpTransport {
  const name = e.transport ?? (Object.keys(platform.transports)[0] as "node" | "fetch");
  const make = platform.transports[name];
  if (make === undefined) {
    throw new CalltreeError(
      "INVALID_OPTIONS",
      `register(): transport "${name}" needs node:http, which ${platform.name} does not have: use transport "fetch", or leave it out.`,
    );
  }
  if (name === "fetch" && Object.keys(e.tls).length > 0) {
    throw new CalltreeError(
      "INVALID_ENVIRONMENT",
      "register(): the OTEL_EXPORTER_OTLP_*CERTIFICATE / *CLIENT_KEY files need transport \"node\" (fetch takes no TLS " +
        "files): use transport \"node\", or trust the certificate in the runtime instead.",
    );
  }
  return make(e);
}
