import type { createRequire as CreateRequire } from "node:module";
import type { dirname as Dirname, join as Join } from "node:path";
import type { fileURLToPath as FileURLToPath } from "node:url";
import { reportOnce } from "./diagnostics.js";
import { foreignSlot, shared, THIS_COPY, VERSION } from "./global.js";

const OTEL_GLOBAL = Symbol.for("opentelemetry.js.api.1");

// The version of the @opentelemetry/api copy this copy of core resolves; undefined where it cannot be read.
// Node's modules are looked up when this runs, not imported: core also loads where they do not exist (a Cloudflare
// Worker without nodejs_compat, Vercel's edge runtime), and there the version is simply not read.
function ownApiVersion(): string | undefined {
  try {
    const builtin = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process?.getBuiltinModule;
    if (typeof builtin !== "function") return undefined;
    const { createRequire } = builtin("node:module") as { createRequire: typeof CreateRequire };
    const { dirname, join } = builtin("node:path") as { dirname: typeof Dirname; join: typeof Join };
    const { fileURLToPath } = builtin("node:url") as { fileURLToPath: typeof FileURLToPath };
    const from = THIS_COPY.startsWith("file://") ? fileURLToPath(THIS_COPY) : THIS_COPY;
    const req = createRequire(from);
    const main = req.resolve("@opentelemetry/api");
    // The package exports no version: read it from the CommonJS build next to its entry point.
    const { VERSION } = req(join(dirname(main), "version.js")) as { VERSION?: unknown };
    return typeof VERSION === "string" ? VERSION : undefined;
  } catch {
    return undefined;
  }
}

let apiVersion: string | null | undefined = null;

/**
 * Says, once per diagnostic logger, when calltree shares the process with another copy of itself or with another
 * version of @opentelemetry/api. Both still work together (calltree keeps its state under a shared global key, and
 * compatible API versions share the OpenTelemetry globals), but two copies cost memory and, for the API, an
 * incompatible version silently gets a no-op tracer. Called when a decorator or `wrap()` is applied, never per call.
 */
export function diagnoseCopies(): void {
  try {
    const foreign = foreignSlot?.version;
    if (foreign !== undefined || shared.incompatible.size > 0) {
      const met = foreign !== undefined ? `@calltree/core ${foreign} (loaded first)` : [...shared.incompatible].map((c) => `@calltree/core ${c}`).join(", ");
      reportOnce(
        "incompatible-copies",
        `@calltree/core ${VERSION} at ${THIS_COPY} met ${met}: their versions are incompatible, so they share no ` +
          "state: decorators loaded with one do not see the provider, capture settings or prices set through the " +
          "other (spans go missing or start new traces). Install one version of the calltree packages " +
          "(npm ls @calltree/core; overrides or resolutions)",
      );
    }
    if (shared.copies.size > 1) {
      reportOnce(
        "copies",
        `${shared.copies.size} copies of @calltree/core are loaded (${[...shared.copies].join(", ")}); they share one ` +
          "state, so spans still nest, but the app loads calltree twice (ESM and CommonJS, or two versions): " +
          "make it one import style or one version to save memory",
      );
    }
    if (apiVersion === null) apiVersion = ownApiVersion();
    const globalVersion = (globalThis as Record<symbol, { version?: unknown } | undefined>)[OTEL_GLOBAL]?.version;
    if (apiVersion !== undefined && typeof globalVersion === "string" && globalVersion !== apiVersion) {
      reportOnce(
        "api-copies",
        `two versions of @opentelemetry/api are loaded: ${globalVersion} registered the OpenTelemetry globals and ` +
          `calltree uses ${apiVersion}. Compatible versions share the globals, so spans still nest; an incompatible ` +
          "one would record nothing. Make them one version (npm ls @opentelemetry/api; overrides or resolutions)",
      );
    }
  } catch {
    // A diagnostic about the environment must never break a decorator.
  }
}
