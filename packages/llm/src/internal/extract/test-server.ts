// A real HTTP server on 127.0.0.1 that answers the OpenAI and Anthropic endpoints with the
// fixtures, as JSON or as server-sent events, so the real SDK clients can be pointed at it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  anthropicEvents,
  anthropicMessage,
  openAiChatChunks,
  openAiChatCompletion,
  openAiCompletion,
  openAiCompletionChunks,
  openAiResponse,
  openAiResponseEvents,
} from "./test-fixtures.js";

/** A running fixture server. */
export interface FixtureServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** JSON bodies received, in order, with their path. */
  readonly requests: Array<{ path: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

type Route = { json: unknown; events: readonly unknown[]; named: boolean; done: boolean };

const ROUTES: Record<string, Route> = {
  "/v1/chat/completions": { json: openAiChatCompletion, events: openAiChatChunks, named: false, done: true },
  "/v1/completions": { json: openAiCompletion, events: openAiCompletionChunks, named: false, done: true },
  "/v1/responses": { json: openAiResponse, events: openAiResponseEvents, named: true, done: false },
  "/v1/messages": { json: anthropicMessage, events: anthropicEvents, named: true, done: false },
};

/** Starts the fixture server on an ephemeral port of 127.0.0.1. */
export async function startFixtureServer(): Promise<FixtureServer> {
  const requests: Array<{ path: string; body: Record<string, unknown> }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      const route = ROUTES[path];
      if (req.method !== "POST" || route === undefined) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      requests.push({ path, body });
      if (body["stream"] !== true) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(route.json));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      for (const event of route.events) {
        const type = (event as { type?: string }).type;
        const name = route.named && type !== undefined ? `event: ${type}\n` : "";
        res.write(`${name}data: ${JSON.stringify(event)}\n\n`);
      }
      if (route.done) res.write("data: [DONE]\n\n");
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
