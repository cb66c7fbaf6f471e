import { diag } from "@opentelemetry/api";
import type { TracerProvider } from "@opentelemetry/api";
import type { InstrumentationLike } from "../options.js";
import { appRequire, entryIsEsm, findOpenInferenceInstrumentations, hasImportHook, loadOptional } from "./app-modules.js";
import { CalltreeError } from "./core.js";
import type { Printer } from "./diagnostics.js";

/** An enabled instrumentation with the module names it patches (for `manuallyInstrument`). */
export interface EnabledInstrumentation {
  instrumentation: InstrumentationLike;
  /** Package the instrumentation came from, for auto-instrumented ones. */
  packageName?: string;
  modules: string[];
}

function moduleNames(instrumentation: InstrumentationLike): string[] {
  try {
    // `getModuleDefinitions()` is public in recent @opentelemetry/instrumentation; older ones keep `_modules`.
    const i = instrumentation as { getModuleDefinitions?: () => unknown; _modules?: unknown };
    const defs = typeof i.getModuleDefinitions === "function" ? i.getModuleDefinitions() : i._modules;
    if (Array.isArray(defs)) {
      return (defs as Array<{ name?: unknown }>).map((d) => d.name).filter((n): n is string => typeof n === "string");
    }
  } catch {
    // An instrumentation that cannot list its modules can still be enabled; only manuallyInstrument needs the names.
  }
  return [];
}

/** Points `instrumentation` at `provider` and enables it. */
export function enableInstrumentation(instrumentation: InstrumentationLike, provider: TracerProvider, packageName?: string): EnabledInstrumentation {
  instrumentation.setTracerProvider(provider);
  instrumentation.enable();
  const entry: EnabledInstrumentation = { instrumentation, modules: moduleNames(instrumentation) };
  if (packageName !== undefined) entry.packageName = packageName;
  return entry;
}

/**
 * Creates and enables every OpenInference instrumentation installed in the app. Under ESM (no loader hook) the
 * instrumentations cannot patch `import`s; the printer says once what to call instead.
 */
export function autoInstrument(provider: TracerProvider, printer: Printer): EnabledInstrumentation[] {
  const enabled: EnabledInstrumentation[] = [];
  const req = appRequire();
  // Modules the app loaded before register(); an instrumentation package may load its SDK itself, which is fine.
  const loadedBefore = new Set(Object.keys(req.cache));
  for (const packageName of findOpenInferenceInstrumentations()) {
    let mod: unknown;
    try {
      mod = loadOptional(packageName);
    } catch (error) {
      diag.warn(`calltree: autoInstrument could not load ${packageName}: ${(error as Error).message}`);
      continue;
    }
    if (typeof mod !== "object" || mod === null) continue;
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value !== "function" || !exportName.endsWith("Instrumentation")) continue;
      const proto = (value as { prototype?: { enable?: unknown; setTracerProvider?: unknown } }).prototype;
      if (typeof proto?.enable !== "function" || typeof proto.setTracerProvider !== "function") continue;
      try {
        const instance = new (value as new (config?: object) => InstrumentationLike)({ tracerProvider: provider });
        enabled.push(enableInstrumentation(instance, provider, packageName));
      } catch (error) {
        diag.warn(`calltree: autoInstrument could not enable ${exportName} from ${packageName}: ${(error as Error).message}`);
      }
    }
  }
  if (enabled.length === 0) return enabled;

  const modules = [...new Set(enabled.flatMap((e) => e.modules))];
  if (entryIsEsm() && !hasImportHook()) {
    const first = modules[0] ?? "openai";
    const id = first.replace(/[^A-Za-z0-9_$]/g, "_");
    printer.print(
      "warn",
      `autoInstrument: this app is an ES module, so ${modules.join(", ") || "the SDKs"} cannot be patched on import. ` +
        `Call tracing.manuallyInstrument({ "${first}": ${id} }) after \`import * as ${id} from "${first}"\` (one entry per SDK).`,
    );
  } else {
    // A module the app required before register() was not seen by the hooks.
    const late = modules.filter((name) => {
      try {
        return loadedBefore.has(req.resolve(name));
      } catch {
        return false;
      }
    });
    if (late.length > 0) {
      printer.print(
        "warn",
        `autoInstrument: ${late.join(", ")} ${late.length === 1 ? "was" : "were"} loaded before register(); call register() first ` +
          `(in a module loaded before the SDKs), or tracing.manuallyInstrument({ "${late[0]}": require("${late[0]}") }).`,
      );
    }
  }
  return enabled;
}

/** Applies `manuallyInstrument(module)` of the instrumentations that patch each named module. */
export function manuallyInstrument(enabled: readonly EnabledInstrumentation[], modules: Record<string, unknown>): void {
  for (const [name, module] of Object.entries(modules)) {
    const matches = enabled.filter((e) => e.modules.includes(name) && typeof e.instrumentation.manuallyInstrument === "function");
    if (matches.length === 0) {
      const known = [...new Set(enabled.flatMap((e) => e.modules))];
      throw new CalltreeError(
        "NO_INSTRUMENTATION",
        `manuallyInstrument(): no enabled instrumentation patches "${name}"` +
          (known.length > 0 ? ` (enabled ones patch: ${known.join(", ")})` : "") +
          `. Install its OpenInference instrumentation and pass autoInstrument: true or instrumentations: [...] to register().`,
      );
    }
    for (const match of matches) match.instrumentation.manuallyInstrument?.(module);
  }
}
