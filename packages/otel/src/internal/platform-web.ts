import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { AsyncLocalStorageClass } from "../options.js";
import { AlsContextManager } from "./als-context-manager.js";
import { writeLine } from "./console-write.js";
import { CalltreeError } from "./core.js";
import { fetchTransport } from "./otlp-fetch.js";
import type { Platform } from "./platform.js";

interface WebGlobals {
  AsyncLocalStorage?: unknown;
  process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (name: string) => unknown };
}

/**
 * The AsyncLocalStorage class: the option, a global (Vercel's edge runtime), or `process.getBuiltinModule`
 * (Workers with `nodejs_compat`). A Worker with only `nodejs_als` has it as an import only, hence the option.
 */
function findAsyncLocalStorage(option: AsyncLocalStorageClass | undefined): AsyncLocalStorageClass | undefined {
  if (option !== undefined) return option;
  const g = globalThis as WebGlobals;
  if (typeof g.AsyncLocalStorage === "function") return g.AsyncLocalStorage as AsyncLocalStorageClass;
  try {
    const hooks = g.process?.getBuiltinModule?.("node:async_hooks") as { AsyncLocalStorage?: unknown } | undefined;
    if (typeof hooks?.AsyncLocalStorage === "function") return hooks.AsyncLocalStorage as AsyncLocalStorageClass;
  } catch {
    // A runtime that throws for an unknown module has none.
  }
  return undefined;
}

const NO_ASYNC_CONTEXT_ADVICE =
  "this runtime has no AsyncLocalStorage, which calltree needs to keep the calls of each request in one trace. " +
  'On Cloudflare Workers, add the nodejs_compat compatibility flag (wrangler.toml: compatibility_flags = ["nodejs_compat"]); ' +
  'or add "nodejs_als" and pass the class: import { AsyncLocalStorage } from "node:async_hooks"; ' +
  "register({ asyncLocalStorage: AsyncLocalStorage }). See docs/runtimes.md.";

/**
 * Runtimes without Node's modules (Cloudflare Workers, Vercel's edge runtime), loaded through the `workerd`,
 * `edge-light` and `worker` export conditions: OTLP over `fetch`, no files, no exit hooks (the runtime ends a
 * request, not a process: flush with `tracing.handler()` or `waitUntil(tracing.forceFlush())`), no instrumentations.
 * Imports nothing of Node's, so a Worker without `nodejs_compat` loads it.
 */
export const webPlatform: Platform = {
  name: "this runtime (calltree's build for Workers and edge runtimes)",
  env: () => (globalThis as WebGlobals).process?.env ?? {},
  readFile: () => {
    throw new CalltreeError(
      "INVALID_ENVIRONMENT",
      "register(): OTEL_EXPORTER_OTLP_*CERTIFICATE / *CLIENT_KEY name files, which this runtime cannot read: unset them.",
    );
  },
  transports: { fetch: fetchTransport },
  createProvider: (config) => new BasicTracerProvider(config),
  contextManager: (config) => {
    const Als = findAsyncLocalStorage(config.asyncLocalStorage);
    if (Als === undefined) throw new CalltreeError("NO_ASYNC_CONTEXT", `register(): ${NO_ASYNC_CONTEXT_ADVICE}`);
    return new AlsContextManager(Als);
  },
  write: writeLine,
  colorDefault: () => false,
  // A bundle cannot be searched for @calltree/llm: the prices wait in core's slot until it loads.
  llmInstalled: () => true,
};
