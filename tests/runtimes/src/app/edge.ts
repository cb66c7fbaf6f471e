// Vercel's edge runtime: a script with a `fetch` event listener; the event's waitUntil gets the flush. The endpoint
// is the global OTLP_ENDPOINT the test defines (the edge runtime's process.env is the deployment's, not the test's).
import { register } from "@calltree/otel";
import { App } from "./app.js";

interface FetchEvent {
  request: Request;
  respondWith(response: Promise<Response>): void;
  waitUntil(promise: Promise<unknown>): void;
}
declare const OTLP_ENDPOINT: string;

const tracing = register({ projectName: "runtimes", endpoint: OTLP_ENDPOINT, logLevel: "warn" });
const app = new App();
const handler = tracing.handler((request: Request, _event: FetchEvent) => app.handle(request));

(globalThis as unknown as { addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void })
  .addEventListener("fetch", (event) => event.respondWith(handler(event.request, event)));
