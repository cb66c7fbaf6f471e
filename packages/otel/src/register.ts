import type { RegisterOptions } from "./options.js";
import type { Tracing } from "./tracing.js";
import { nodePlatform } from "./internal/platform-node.js";
import { setup } from "./internal/setup.js";

/**
 * Sets up OpenTelemetry for calltree: a tracer provider with the OpenInference project as a resource, an exporter
 * (OTLP to Phoenix or any collector, the console tree, a file, memory), batching that survives bursts, span limits
 * fit for long chats, exit hooks that flush, and (by default) the OpenTelemetry globals. Decorated calls record
 * with this provider from now on, including methods decorated before the call.
 *
 * Options beat environment variables, which beat defaults (see docs/configuration.md). Prints at most one line,
 * saying where traces go, unless `logLevel` is `"silent"` or `"warn"`/`"error"`.
 *
 * In Cloudflare Workers and Vercel's edge runtime, bundlers load calltree's build for them (the `workerd`,
 * `edge-light` and `worker` export conditions): the same function, with OTLP over `fetch` and no exit hooks, files
 * or instrumentations (see docs/runtimes.md).
 *
 * @throws {CalltreeError} `INVALID_OPTIONS` for a wrong option, `INVALID_ENVIRONMENT` for a wrong environment
 *   variable, `ALREADY_REGISTERED` when a previous registration was not shut down, `PRICES_NEED_LLM` when `prices`
 *   is given without `@calltree/llm`, `NO_ASYNC_CONTEXT` where the runtime has no AsyncLocalStorage (a Worker
 *   without `nodejs_compat`), and core's `INVALID_CAPTURE_OPTIONS` for wrong `capture` options. Nothing is set up
 *   when it throws.
 */
export function register(options?: RegisterOptions): Tracing {
  return setup(options, nodePlatform);
}
