// Node 20/22/24, Bun and Deno: register() as an app does, then serve the handler with the runtime's own server
// (Bun.serve, Deno.serve, node:http on Node) on 127.0.0.1, port chosen by the system. Prints `listening <port>`.
// The endpoint comes from PHOENIX_COLLECTOR_ENDPOINT; CALLTREE_TEST_TRANSPORT picks register()'s transport.
import { register } from "@calltree/otel";
import { App } from "./app.js";

const transport = process.env.CALLTREE_TEST_TRANSPORT === "fetch" ? "fetch" : "node";
const tracing = register({ projectName: "runtimes", logLevel: "warn", transport });
const app = new App();
const handler = tracing.handler((request: Request) => app.handle(request));

interface BunGlobal { serve(options: { port: number; hostname: string; fetch: (r: Request) => Promise<Response> }): { port: number } }
interface DenoGlobal {
  serve(options: { port: number; hostname: string; onListen(addr: { port: number }): void }, fetch: (r: Request) => Promise<Response>): unknown;
}
const g = globalThis as { Bun?: BunGlobal; Deno?: DenoGlobal };

if (g.Bun !== undefined) {
  const server = g.Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: handler });
  console.log(`listening ${server.port}`);
} else if (g.Deno !== undefined) {
  g.Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: ({ port }) => console.log(`listening ${port}`) }, handler);
} else {
  const { createServer } = await import("node:http");
  const { Readable } = await import("node:stream");
  const server = createServer((req, res) => {
    void (async () => {
      const response = await handler(new Request(`http://127.0.0.1${req.url ?? "/"}`, { method: req.method ?? "GET" }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body === null) res.end();
      else Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
    })();
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    console.log(`listening ${typeof address === "object" && address !== null ? address.port : 0}`);
  });
  // At SIGTERM the exit hooks flush; closing the server lets the process end.
  process.once("SIGTERM", () => server.close());
}
