import http from "node:http";
import https from "node:https";
import { gzip } from "node:zlib";
import { MAX_RESPONSE_BYTES, OtlpExportError, RETRYABLE_CODES, statusError } from "./otlp.js";
import type { OtlpConfig, OtlpRequest, OtlpTransport } from "./otlp.js";

/** Requests to one endpoint at once; further batches wait, already encoded, for a free connection. */
const MAX_SOCKETS = 8;

/**
 * The `node:http` transport (Node, Bun, Deno): keep-alive sockets, at most 8 requests at once, TLS files from the
 * `OTEL_EXPORTER_OTLP_*CERTIFICATE*` variables, and sockets unref'd, so that an export in progress never keeps the
 * process alive.
 */
export function nodeHttpTransport(config: OtlpConfig): OtlpTransport {
  const url = new URL(config.url);
  const secure = url.protocol === "https:";
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, ...config.tls })
    : new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  return {
    send: (request) => post(secure ? https : http, url, agent, request),
    gzip: (data) => new Promise((resolve, reject) => gzip(data, (error, out) => (error ? reject(error) : resolve(out)))),
    close: () => agent.destroy(),
    maxConcurrent: MAX_SOCKETS,
  };
}

function post(client: typeof http | typeof https, url: URL, agent: http.Agent, { body, headers, signal }: OtlpRequest): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    const request = client.request(url, { method: "POST", agent, headers: { ...headers, "content-length": body.length } });
    const onAbort = () => {
      finish(signal.reason);
      request.destroy();
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort);
    request.on("socket", (socket) => socket.unref());
    request.on("error", (error: NodeJS.ErrnoException) => {
      const code = error.code;
      finish(new OtlpExportError(error.message, code, code !== undefined && RETRYABLE_CODES.has(code)));
    });
    request.on("response", (response) => {
      let size = 0;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      });
      response.on("error", () => finish(new OtlpExportError("the response was cut off", "ECONNRESET", true)));
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) finish();
        else finish(statusError(status, response.statusMessage ?? "", Buffer.concat(chunks).toString("utf8"), response.headers["retry-after"] as string | undefined));
      });
    });
    request.end(body);
  });
}
