import type { IncomingMessage } from "node:http";
import { createGunzip, createInflate } from "node:zlib";
import type { Transform } from "node:stream";

/** Why a body could not be read; `status` is the HTTP answer (400, 413 or 415). */
export class BodyError extends Error {
  override name = "BodyError";
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Checks `Content-Encoding` before any byte is read; throws {@link BodyError} 415 for unknown codings. */
export function decoderFor(contentEncoding: string | undefined): (() => Transform) | undefined {
  const coding = (contentEncoding ?? "").trim().toLowerCase();
  if (coding === "" || coding === "identity") return undefined;
  if (coding === "gzip" || coding === "x-gzip") return createGunzip;
  if (coding === "deflate") return createInflate;
  throw new BodyError(415, `unsupported Content-Encoding "${coding}" (use gzip, deflate or none)`);
}

/**
 * Reads a request body of at most `maxBytes`, both as sent and after decompression (a small gzip body
 * can inflate to gigabytes). Stops reading as soon as either limit is passed and rejects with 413;
 * a corrupt compressed body rejects with 400. On rejection the request stream is left paused: the
 * caller answers and closes the connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number, decoder: (() => Transform) | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let decodedBytes = 0;
    let rawBytes = 0;
    let settled = false;
    const unzip = decoder?.();

    const fail = (error: BodyError): void => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.pause();
      unzip?.destroy();
      reject(error);
    };
    const keep = (chunk: Buffer): void => {
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) fail(new BodyError(413, `body larger than ${maxBytes} bytes once decompressed`));
      else chunks.push(chunk);
    };
    const done = (): void => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, decodedBytes));
    };
    function onData(chunk: Buffer): void {
      rawBytes += chunk.length;
      if (rawBytes > maxBytes) return fail(new BodyError(413, `body larger than ${maxBytes} bytes`));
      if (unzip) unzip.write(chunk);
      else keep(chunk);
    }

    if (unzip) {
      unzip.on("data", keep);
      unzip.on("end", done);
      unzip.on("error", (error) => fail(new BodyError(400, `cannot decompress body: ${error.message}`)));
    }
    req.on("data", onData);
    req.on("end", () => (unzip ? unzip.end() : done()));
    req.on("error", (error) => fail(new BodyError(400, `request aborted: ${error.message}`)));
    req.on("close", () => {
      if (!req.complete) fail(new BodyError(400, "request aborted before the body ended"));
    });
  });
}
