// Plain node:http plumbing shared by every endpoint: JSON answers, error answers in each API's
// shape, and an SSE writer that knows how to be slow or break on purpose.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { StandInFault } from "../types.js";

export type ErrorStyle = "openai" | "anthropic" | "cohere";

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

const OPENAI_ERRORS: Readonly<Record<number, { type: string; code: string | null }>> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  404: { type: "invalid_request_error", code: "not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
};

const ANTHROPIC_ERRORS: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/** The error body each API sends, so the SDKs raise their own error classes with our message. */
function errorBody(style: ErrorStyle, status: number, message: string): unknown {
  if (style === "anthropic") {
    return { type: "error", error: { type: ANTHROPIC_ERRORS[status] ?? "api_error", message } };
  }
  if (style === "cohere") return { message };
  const known = OPENAI_ERRORS[status] ?? { type: status >= 500 ? "server_error" : "invalid_request_error", code: null };
  return { error: { message, type: known.type, param: null, code: known.code } };
}

export function sendError(
  res: ServerResponse,
  style: ErrorStyle,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, errorBody(style, status, message), headers);
}

/**
 * Writes server-sent events. `event()` resolves to false once the stream is gone (the client left
 * or the fault broke it), so a producer can stop early.
 */
/** Per response: where a held stream waits, and the count of events written (set by the server). */
export interface StreamTracker {
  events: number;
  /** Settles when held streams may go on. */
  released: () => Promise<void>;
}

/** The tracker of each response, set by the server before the route writes. */
export const trackers: WeakMap<ServerResponse, StreamTracker> = new WeakMap();

export class SseWriter {
  readonly #res: ServerResponse;
  readonly #fault: StandInFault;
  #written = 0;
  #broken = false;

  constructor(res: ServerResponse, fault: StandInFault, headers: Record<string, string>) {
    this.#res = res;
    this.#fault = fault;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      ...headers,
    });
    // Headers go out now, so a client sees the response start before the first (maybe delayed) event.
    res.flushHeaders();
  }

  get open(): boolean {
    return !this.#broken && !this.#res.destroyed && !this.#res.writableEnded;
  }

  /** One event: `event: name` (when given) and `data: json`. */
  async event(data: unknown, name?: string): Promise<boolean> {
    const prefix = name === undefined ? "" : `event: ${name}\n`;
    return this.#write(`${prefix}data: ${JSON.stringify(data)}\n\n`, true);
  }

  /** A raw `data:` line that is not counted as an event (OpenAI's `[DONE]`). */
  async done(): Promise<boolean> {
    return this.#write("data: [DONE]\n\n", false);
  }

  end(): void {
    if (this.open) this.#res.end();
  }

  async #write(text: string, counted: boolean): Promise<boolean> {
    if (!this.open) return false;
    if (counted && this.#written > 0 && (this.#fault.chunkDelayMs ?? 0) > 0) {
      await sleep(this.#fault.chunkDelayMs);
      if (!this.open) return false;
    }
    await new Promise<void>((resolve) => this.#res.write(text, () => resolve()));
    if (counted) this.#written++;
    const tracker = trackers.get(this.#res);
    if (counted && tracker !== undefined) tracker.events = this.#written;
    if (counted && tracker !== undefined && this.#fault.holdAfter !== undefined && this.#written === this.#fault.holdAfter) {
      // Held: go on only when released; a client that left closes the response, and nothing more is written.
      await Promise.race([tracker.released(), new Promise<void>((resolve) => this.#res.once("close", () => resolve()))]);
      if (!this.open) return false;
    }
    if (counted && this.#fault.breakAfter !== undefined && this.#written >= this.#fault.breakAfter) {
      this.#broken = true;
      this.#res.socket?.destroy();
      return false;
    }
    return this.open;
  }
}
