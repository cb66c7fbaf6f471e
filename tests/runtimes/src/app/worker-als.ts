// The Worker of worker.ts for the `nodejs_als` compatibility flag alone: AsyncLocalStorage is an import there, not a
// global, so it is handed to register().
import { AsyncLocalStorage } from "node:async_hooks";
import { register } from "@calltree/otel";
import { App } from "./app.js";

interface Env {
  OTLP_ENDPOINT: string;
}
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

const app = new App();
let handler: ((request: Request, env: Env, ctx: ExecutionContext) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    handler ??= register({ projectName: "runtimes", endpoint: env.OTLP_ENDPOINT, logLevel: "warn", asyncLocalStorage: AsyncLocalStorage })
      .handler((r: Request, _env: Env, _ctx: ExecutionContext) => app.handle(r));
    return handler(request, env, ctx);
  },
};
