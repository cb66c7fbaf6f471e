import type { RegisterOptions } from "./options.js";
import type { Tracing } from "./tracing.js";
import { webPlatform } from "./internal/platform-web.js";
import { setup } from "./internal/setup.js";

/**
 * {@link register} for runtimes without Node's modules (Cloudflare Workers, Vercel's edge runtime), which bundlers
 * pick through the `workerd`, `edge-light` and `worker` export conditions. Same options and contract, except: OTLP
 * goes over `fetch`; the exporters are `"otlp"`, `"console"`, `"memory"`, `"none"` or your own (`"file"` throws
 * `INVALID_OPTIONS`, as do `instrumentations` and `autoInstrument`); nothing is flushed at exit (there is no process
 * exit: wrap the handler with `tracing.handler()` or hand `tracing.forceFlush()` to `waitUntil`); the
 * AsyncLocalStorage comes from the runtime (a global, `nodejs_compat`'s `node:async_hooks`) or the
 * `asyncLocalStorage` option, else it throws `NO_ASYNC_CONTEXT` with the fix. See docs/runtimes.md.
 */
export function register(options?: RegisterOptions): Tracing {
  return setup(options, webPlatform);
}
