// Vercel's edge runtime from npm (`edge-runtime`), serving the bundled app (app/edge.ts) on 127.0.0.1. Vercel's
// runtime and Next.js's edge sandbox give the code AsyncLocalStorage as a global; the npm package does not, so
// `--als` extends the context the same way, and without it the app meets a runtime that has none.
// Usage: node serve-edge.js <bundle.js> [--als]. Prints `listening <port>`.
import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import { EdgeRuntime, runServer } from "edge-runtime";

const [bundle, flag] = process.argv.slice(2);
const runtime = new EdgeRuntime({
  initialCode: readFileSync(bundle!, "utf8"),
  ...(flag === "--als" ? { extend: (context) => Object.assign(context, { AsyncLocalStorage }) } : {}),
});
const server = await runServer({ runtime, port: 0, host: "127.0.0.1" });
console.log(`listening ${new URL(server.url).port}`);
process.once("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
