import { MAX_RESPONSE_BYTES, OtlpExportError, RETRYABLE_CODES, statusError } from "./otlp.js";
import type { OtlpConfig, OtlpRequest, OtlpTransport } from "./otlp.js";

/**
 * No limit of calltree's: the runtime pools and queues fetch's connections itself (a Cloudflare Worker's six open
 * connections queue, they do not fail). A second queue here made per-request flushes in Vercel's edge runtime wait
 * past their deadline under load (192 of 7,000 spans lost in tests/runtimes with a limit of 6).
 */
const MAX_CONCURRENT = Number.POSITIVE_INFINITY;

/**
 * The `fetch` transport, for runtimes without `node:http` (Cloudflare Workers, Vercel's edge runtime) and for
 * anyone who picks it (`register({ transport: "fetch" })`). The runtime's `fetch` pools the connections; gzip is
 * `CompressionStream`. Where a process exists (Node, Bun, Deno), a request in progress holds it until its answer
 * or the export deadline at most: retry and deadline timers never do.
 */
export function fetchTransport(config: OtlpConfig): OtlpTransport {
  if (Object.keys(config.tls).length > 0) {
    // Checked by register() already (the fetch transport takes no TLS files); kept here so no caller forgets it.
    throw new Error("the fetch transport cannot use TLS certificate files");
  }
  const url = config.url;
  return {
    send: (request) => post(url, request),
    gzip: (data) => gzip(data),
    close: () => undefined,
    maxConcurrent: MAX_CONCURRENT,
  };
}

async function post(url: string, { body, headers, signal }: OtlpRequest): Promise<void> {
  if (signal.aborted) throw signal.reason;
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body, signal });
  } catch (error) {
    throw signal.aborted ? signal.reason : networkError(error);
  }
  try {
    const text = await readCapped(response);
    if (response.status >= 200 && response.status < 300) return;
    throw statusError(response.status, response.statusText, text, response.headers.get("retry-after"));
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof OtlpExportError) throw error;
    throw new OtlpExportError("the response was cut off", "ECONNRESET", true);
  }
}

/** Reads the whole answer (the deadline covers its last byte), keeping at most MAX_RESPONSE_BYTES of it. */
async function readCapped(response: Response): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.length <= MAX_RESPONSE_BYTES) chunks.push(value);
    size += value.length;
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

/**
 * fetch says only "fetch failed" (a TypeError); Node's and Bun's put the socket's code in `cause`. Without a code the
 * failure is still a network one (fetch rejects only for the network, not for a status), so it is retried.
 */
function networkError(error: unknown): OtlpExportError {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const own = (error as { code?: unknown } | undefined)?.code;
  const code = typeof cause?.code === "string" ? cause.code : typeof own === "string" ? own : "EFETCH";
  const message = typeof cause?.message === "string" ? cause.message : (error as Error)?.message ?? String(error);
  return new OtlpExportError(message, code, code === "EFETCH" || RETRYABLE_CODES.has(code));
}

async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
