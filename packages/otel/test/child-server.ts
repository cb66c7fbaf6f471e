// A decorated HTTP server run as a child process by propagation.test.ts: it continues the caller's trace from the
// request headers and exports its half to CT_ENDPOINT.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { withTraceHeaders } from "@calltree/core";
import { defineKind } from "@calltree/core/kind";
import { register } from "@calltree/otel";

const tracing = register({ endpoint: process.env.CT_ENDPOINT, serviceName: "server", logLevel: "silent" });
const handler = defineKind({ name: "handler", spanKind: "CHAIN" });
const handle = handler.wrap(async function handle(path: string) {
  return `server saw ${path}`;
});

const server = createServer((req, res) => {
  void withTraceHeaders(req.headers, async () => {
    res.end(await handle(req.url ?? "/"));
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  void tracing.shutdown().then(() => process.exit(0));
});
