// A Cloudflare Worker: register() on the first request, with the endpoint from the Worker's environment, and every
// request handed to tracing.handler(), which gives the flush to ctx.waitUntil. Bundled by the test as wrangler does
// (conditions workerd, worker), so @calltree/otel resolves to its build for Workers.
import { register } from "@calltree/otel";
import type { Tracing } from "@calltree/otel";
import { App } from "./app.js";

interface Env {
  OTLP_ENDPOINT: string;
}
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

const app = new App();
let handler: ((request: Request, env: Env, ctx: ExecutionContext) => Promise<Response>) | undefined;

function setup(env: Env): NonNullable<typeof handler> {
  const tracing: Tracing = register({ projectName: "runtimes", endpoint: env.OTLP_ENDPOINT, logLevel: "warn" });
  return tracing.handler((request: Request, _env: Env, _ctx: ExecutionContext) => app.handle(request));
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    handler ??= setup(env);
    return handler(request, env, ctx);
  },
};
