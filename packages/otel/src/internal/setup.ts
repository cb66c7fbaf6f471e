// register()'s body, on the runtime a Platform describes: register.ts passes Node's (platform-node.ts),
// register-web.ts the one for Workers and edge runtimes (platform-web.ts). Each concern is its own file under
// ./register/ (pipeline, provider, globals, flush, exit, describe).
import { diag, DiagConsoleLogger, DiagLogLevel } from "@opentelemetry/api";
import type { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { RegisterOptions } from "../options.js";
import type { Tracing } from "../tracing.js";
import { resolveConfig, validateOptions } from "./config.js";
import type { ResolvedConfig } from "./config.js";
import { CalltreeError, configureCapture, sharedPart, useTracerProvider } from "./core.js";
import { createPrinter } from "./diagnostics.js";
import type { Printer } from "./diagnostics.js";
import { flushingHandler } from "./handler.js";
import type { EnabledInstrumentation } from "./instrumentations.js";
import type { Platform } from "./platform.js";
import { applyModelPrices } from "./prices.js";
import { describeDestination } from "./register/describe.js";
import { installExit } from "./register/exit.js";
import { abandonAfter, flushWithin } from "./register/flush.js";
import { installGlobals, platformContextManager, uninstallGlobals } from "./register/globals.js";
import { checkExporter, createPipeline } from "./register/pipeline.js";
import { createProvider } from "./register/provider.js";

interface RegistrationSlot {
  active: { site: string } | undefined;
}

// Shared by every copy of @calltree/otel in the process (ESM and CJS builds), in calltree's global slot: two live
// registrations would each install globals and exit hooks.
const slot: RegistrationSlot = sharedPart<RegistrationSlot>("otel.registration", () => ({ active: undefined }));

const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose);

function callSite(): string {
  const stack = new Error().stack?.split("\n") ?? [];
  // Lines: "Error", callSite, setup, register, then the caller.
  const frame = stack[4];
  return frame?.trim().replace(/^at\s+/, "") ?? "unknown location";
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

/** Throws where `config` asks for instrumentations and the platform cannot patch modules. */
function checkInstrumentations(config: ResolvedConfig, platform: Platform): void {
  if ((config.instrumentations.length > 0 || config.autoInstrument) && platform.instrumentations === undefined) {
    throw new CalltreeError(
      "INVALID_OPTIONS",
      `register(): instrumentations patch Node modules, which ${platform.name} cannot load: leave out \`instrumentations\` and \`autoInstrument\` ` +
        "(use llm.fetch for SDK calls: new OpenAI({ fetch: llm.fetch })).",
    );
  }
}

// The instrumentations given to register(), then those found installed (autoInstrument). One that fails to enable
// is reported and left out.
function enableInstrumentations(config: ResolvedConfig, provider: BasicTracerProvider, printer: Printer, platform: Platform): EnabledInstrumentation[] {
  const enabled: EnabledInstrumentation[] = [];
  const instrumentations = platform.instrumentations;
  if (instrumentations === undefined) return enabled;
  for (const instrumentation of config.instrumentations) {
    try {
      enabled.push(instrumentations.enable(instrumentation, provider));
    } catch (error) {
      diag.warn(`calltree: enabling ${instrumentation.instrumentationName ?? "an instrumentation"} failed: ${(error as Error).message}`);
    }
  }
  if (config.autoInstrument) enabled.push(...instrumentations.auto(provider, printer));
  return enabled;
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

  // Settings that can still throw come before anything is installed: what the runtime cannot do, then prices (a
  // missing @calltree/llm is the likelier failure, and then the capture settings are left as they were too).
  const transport = checkExporter(config, platform);
  checkInstrumentations(config, platform);
  // Where the runtime has no AsyncLocalStorage, this throws.
  const contextManager = platformContextManager(config, platform);
  if (config.prices !== undefined) applyModelPrices(config.prices, () => platform.llmInstalled());
  if (config.capture !== undefined) configureCapture(config.capture);

  if (config.diagLogLevel !== undefined) {
    diag.setLogger(new DiagConsoleLogger(), {
      logLevel: DiagLogLevel[config.diagLogLevel as keyof typeof DiagLogLevel],
      suppressOverrideMessage: true,
    });
  }
  const printer = createPrinter(config.logLevel, (text) => platform.write(text));
  const destination = describeDestination(config);
  const pipeline = createPipeline(config, printer, platform, transport);
  const { processor, drops, memory, otlpExporter } = pipeline;
  const provider = createProvider(config, processor, platform);
  const owned = installGlobals(provider, config.global, contextManager);
  useTracerProvider(provider);
  printer.print("info", destination);
  const enabled = enableInstrumentations(config, provider, printer, platform);
  const uninstallExitHooks = installExit(config, pipeline, platform);

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

  const forceFlush = async (): Promise<void> => {
    await flushWithin(pipeline, config.flushTimeoutMillis, false);
    drops.report();
  };

  return {
    provider,
    exporter: pipeline.exporter,
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
