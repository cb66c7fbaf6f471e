import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { groupTraces, spansOf } from "@calltree/render";
import type { RenderSpan, RenderTrace } from "@calltree/render";
import { FRAME_POLICY, pageHtml } from "./page.js";
import { detail, summarize, toJson } from "./view-model.js";
import type { TraceSummary } from "./view-model.js";

/** Options of {@link startWebView}. */
export interface WebViewOptions {
  /** Port on 127.0.0.1; `0` picks a free one. */
  port: number;
  /** Traces kept for the page; beyond it the oldest received is let go (the page says how many). */
  maxTraces: number;
  /** Receives failures that do not stop the server. */
  onError?: ((error: Error) => void) | undefined;
}

/** The live web view of `calltree collect --ui`. */
export interface WebView {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  readonly port: number;
  /** Adds a trace handed out by the collector; `late` spans are merged into the trace already shown. */
  add(trace: RenderTrace, late: boolean): void;
  close(): Promise<void>;
}

const MAX_URL = 2048;
const MAX_CLIENTS = 64;
const LOOPBACK = "127.0.0.1";

/**
 * Serves the web view on 127.0.0.1 only, whatever interface the collector listens on: the page shows
 * inputs and outputs, which stay on this machine. GET only, no request body accepted, and the Host header
 * must name the loopback address (so a web page cannot reach this server through DNS rebinding).
 */
export async function startWebView(options: WebViewOptions): Promise<WebView> {
  const traces = new Map<string, { spans: RenderSpan[]; trace: RenderTrace; summary: TraceSummary }>();
  const clients = new Set<ServerResponse>();
  let dropped = 0;
  const reportError = (error: unknown): void => {
    try {
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // The error sink itself failed.
    }
  };

  const broadcast = (event: string, data: string): void => {
    for (const client of clients) client.write(`event: ${event}\ndata: ${data}\n\n`);
  };

  let port = 0;
  const hostAllowed = (host: string | undefined): boolean =>
    host === `${LOOPBACK}:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const common = {
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
      "cross-origin-resource-policy": "same-origin",
      "content-security-policy": FRAME_POLICY,
    };
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { ...common, "content-type": type, "content-length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if ((req.url ?? "").length > MAX_URL) return send(414, "text/plain; charset=utf-8", "URL too long\n");
    if (!hostAllowed(req.headers.host)) return send(421, "text/plain; charset=utf-8", "unexpected Host header: open the web view at the address calltree printed\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      res.setHeader("connection", "close");
      return send(405, "text/plain; charset=utf-8", `method ${req.method} not allowed\n`);
    }
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > 0 || req.headers["transfer-encoding"] !== undefined) {
      res.setHeader("connection", "close");
      return send(413, "text/plain; charset=utf-8", "the web view takes no request body\n");
    }
    const path = (req.url ?? "/").split("?")[0] as string;
    if (path === "/" || path === "/index.html") return send(200, "text/html; charset=utf-8", pageHtml({ mode: "live" }, "calltree (live)"));
    if (path === "/api/traces") {
      return send(200, "application/json", toJson({ traces: [...traces.values()].map((t) => t.summary), dropped }));
    }
    const match = /^\/api\/traces\/([0-9a-f]{32})$/.exec(path);
    if (match) {
      const found = traces.get(match[1] as string);
      if (!found) return send(404, "application/json", toJson({ error: "no such trace (it may have been let go)" }));
      return send(200, "application/json", toJson(detail(found.trace)));
    }
    if (path === "/api/events") {
      if (clients.size >= MAX_CLIENTS) return send(503, "text/plain; charset=utf-8", "too many open pages\n");
      res.writeHead(200, { ...common, "content-type": "text/event-stream; charset=utf-8", connection: "keep-alive" });
      res.write(": calltree\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    return send(404, "text/plain; charset=utf-8", "not found\n");
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      reportError(error);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("internal error\n");
      } else res.destroy();
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  try {
    server.listen(options.port, LOOPBACK);
    await once(server, "listening");
    server.on("error", reportError);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new Error(`port ${options.port} on ${LOOPBACK} is in use: pick another with --ui-port`, { cause: error });
    }
    throw error;
  }
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${LOOPBACK}:${port}/`,
    port,
    add(incoming, late) {
      try {
        const previous = traces.get(incoming.traceId);
        let spans = spansOf(incoming);
        let trace = incoming;
        if (previous && late) {
          const seen = new Set(previous.spans.map((span) => span.spanId));
          spans = [...previous.spans, ...spans.filter((span) => !seen.has(span.spanId))];
          trace = groupTraces(spans)[0] ?? incoming;
        }
        // Re-inserting keeps the map in arrival order, so the oldest is the first to let go.
        traces.delete(incoming.traceId);
        const summary = summarize(trace);
        traces.set(incoming.traceId, { spans, trace, summary });
        broadcast("trace", toJson(summary));
        const gone: string[] = [];
        while (traces.size > options.maxTraces) {
          const oldest = traces.keys().next().value as string;
          traces.delete(oldest);
          gone.push(oldest);
          dropped++;
        }
        if (gone.length > 0) broadcast("drop", toJson({ ids: gone, dropped }));
      } catch (error) {
        reportError(error);
      }
    },
    async close() {
      for (const client of clients) client.end();
      clients.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
