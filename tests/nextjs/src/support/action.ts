// Calls a Next.js server action as the browser does: a POST to the page with the action's id in the `Next-Action`
// header and the arguments encoded by React's own `encodeReply`, then the answer decoded by React's Flight client
// (the copies Next.js ships and its client code uses).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
interface FlightClient {
  encodeReply(value: unknown): Promise<string | FormData>;
  createFromReadableStream(stream: ReadableStream<Uint8Array>, options: Record<string, unknown>): Promise<unknown>;
}
const flight = require("next/dist/compiled/react-server-dom-turbopack/client.edge") as FlightClient;

/** The id `next build` gave the exported server action `name` (from the build's server reference manifest). */
export function actionId(appDir: string, name: string): string {
  const manifest = JSON.parse(readFileSync(join(appDir, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name);
  if (found === undefined) throw new Error(`no server action named ${name} in the build`);
  return found[0];
}

/** Calls the action on `pageUrl`; resolves with what the action returned, as the browser's code would see it. */
export async function callAction(pageUrl: string, id: string, args: unknown[]): Promise<unknown> {
  const body = await flight.encodeReply(args);
  const response = await fetch(pageUrl, {
    method: "POST",
    headers: { accept: "text/x-component", "next-action": id, ...(typeof body === "string" ? { "content-type": "text/plain;charset=UTF-8" } : {}) },
    body,
  });
  if (!response.ok || response.body === null) throw new Error(`the action answered ${response.status}: ${await response.text()}`);
  const root = (await flight.createFromReadableStream(response.body, {
    serverConsumerManifest: { moduleMap: {}, serverModuleMap: null, moduleLoading: null },
  })) as { a?: unknown };
  return root.a;
}
