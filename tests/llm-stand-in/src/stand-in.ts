import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { messages } from "./internal/anthropic-messages.js";
import { isRecord } from "./internal/conversation.js";
import { embeddings } from "./internal/embeddings.js";
import type { Exchange } from "./internal/exchange.js";
import { FaultCounter, faultFromModel } from "./internal/faults.js";
import { readBody, sendError, sendJson, SseWriter, trackers, type ErrorStyle } from "./internal/http.js";
import { chatCompletions, legacyCompletions } from "./internal/openai-chat.js";
import { responses } from "./internal/openai-responses.js";
import { rerank } from "./internal/rerank.js";
import type { RecordedRequest, StandIn, StandInAnswer, StandInFault, StandInOptions, StreamEnd } from "./types.js";

type Handler = (ex: Exchange) => Promise<void>;

const ROUTES: Readonly<Record<string, { handler: Handler; style: ErrorStyle }>> = {
  "/v1/chat/completions": { handler: chatCompletions, style: "openai" },
  "/v1/completions": { handler: legacyCompletions, style: "openai" },
  "/v1/responses": { handler: responses, style: "openai" },
  "/v1/embeddings": { handler: embeddings, style: "openai" },
  "/v1/messages": { handler: messages, style: "anthropic" },
  "/v1/rerank": { handler: rerank, style: "cohere" },
  "/v2/rerank": { handler: rerank, style: "cohere" },
};

/** Paths whose streams name each event (`event: TYPE`) and end without `[DONE]`. */
const NAMED_EVENTS = new Set(["/v1/responses", "/v1/messages"]);

/** Sends a scripted answer; streams in the style of `pathname`. */
async function sendAnswer(res: ServerResponse, pathname: string, answer: StandInAnswer, fault: StandInFault, headers: Record<string, string>): Promise<void> {
  if ("json" in answer) {
    sendJson(res, answer.status ?? 200, answer.json, headers);
    return;
  }
  const named = NAMED_EVENTS.has(pathname);
  const sse = new SseWriter(res, fault, headers);
  for (const event of answer.events) {
    const type = (event as { type?: unknown }).type;
    if (!(await sse.event(event, named && typeof type === "string" ? type : undefined))) return;
  }
  if (!named) await sse.done();
  sse.end();
}

const SECRET_HEADERS = new Set(["x-api-key", "api-key"]);

function maskedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (name === "authorization" || name === "proxy-authorization") {
      const scheme = /^(\S+)\s+\S/.exec(text)?.[1];
      headers[name] = scheme === undefined ? "***" : `${scheme} ***`;
    } else {
      headers[name] = SECRET_HEADERS.has(name) ? "***" : text;
    }
  }
  return headers;
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Starts a local server on 127.0.0.1 that answers like the OpenAI, Anthropic and Cohere APIs, so the
 * real SDKs work against it unchanged:
 * - `POST /v1/chat/completions` (streamed or not; `stream_options.include_usage` adds the usage
 *   chunk; tool calls), `POST /v1/responses` (streamed or not; function calls),
 *   `POST /v1/completions` (legacy), `POST /v1/embeddings` (float or base64),
 * - `POST /v1/messages` (Anthropic; streamed or not; tool use),
 * - `POST /v1/rerank` and `/v2/rerank` (Cohere).
 *
 * Answers are deterministic: a scripted `reply` if given; after a tool result, `Tool NAME returned:
 * RESULT`; after a user message with tools offered, a call of the first (or the forced) tool with
 * arguments fitted to its schema; otherwise a few built-in rules ("capital of China" → `Beijing`,
 * "capital of Japan" → `Tokyo`, ...) or `You said: TEXT`. The model name is echoed as sent.
 *
 * Every request is recorded on `requests` before any fault applies.
 */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const counter = new FaultCounter();
  let sequence = 0;
  let received = 0;
  const nextId = (prefix: string): string => `${prefix}${++sequence}`;
  // How each recorded request's answer ended (same index as `requests`), and the hold of `holdAfter` streams.
  const ends: Array<Promise<StreamEnd>> = [];
  let releaseHolds: () => void = () => undefined;
  const holds = new Promise<void>((resolve) => {
    releaseHolds = resolve;
  });

  const faultFor = (record: RecordedRequest): StandInFault => {
    const configured = typeof options.fault === "function" ? options.fault(record) : options.fault;
    const model = isRecord(record.body) && typeof record.body.model === "string" ? record.body.model : undefined;
    const fromModel = model === undefined ? undefined : faultFromModel(model);
    return {
      ...(configured !== undefined && counter.take(configured, configured) ? configured : {}),
      ...(fromModel !== undefined && model !== undefined && counter.take(`model:${model}`, fromModel) ? fromModel : {}),
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? "/";
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path,
      headers: maskedHeaders(req),
      body: parseBody(await readBody(req)),
    };
    requests.push(record);
    const tracker = { events: 0, released: () => holds };
    trackers.set(res, tracker);
    ends.push(
      new Promise<StreamEnd>((resolve) => {
        res.once("close", () => resolve({ events: tracker.events, clientLeft: !res.writableFinished }));
      }),
    );
    // Numbered by arrival, apart from the answer ids, so the first chat answer is `chatcmpl-standin-1`.
    const requestId = `req_standin_${++received}`;
    // OpenAI's SDK reads x-request-id, Anthropic's request-id; both are harmless to the other.
    const headers = { "x-request-id": requestId, "request-id": requestId };
    const pathname = path.split("?", 1)[0] ?? path;

    if (record.method === "GET" && pathname === "/") {
      res.writeHead(200, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify({ name: "@calltree-internal/llm-stand-in", routes: Object.keys(ROUTES) }));
      return;
    }
    const route = ROUTES[pathname];
    const style: ErrorStyle = route?.style ?? (pathname.startsWith("/v1/messages") ? "anthropic" : "openai");
    const scripted = record.method === "POST" ? options.respond?.(record) : undefined;
    if ((route === undefined && scripted === undefined) || record.method !== "POST") {
      sendError(res, style, 404, `The stand-in has no route ${record.method} ${pathname}.`, headers);
      return;
    }
    if (!isRecord(record.body)) {
      sendError(res, style, 400, "The request body must be a JSON object.", headers);
      return;
    }

    const fault = faultFor(record);
    if ((fault.delayMs ?? 0) > 0) {
      // Unref'd, so a test that closes the stand-in early does not wait out the delay.
      await sleep(fault.delayMs, undefined, { ref: false });
      if (res.destroyed) return;
    }
    if (fault.status !== undefined) {
      const retryAfter = fault.retryAfterMs === undefined ? 0 : fault.retryAfterMs;
      sendError(res, style, fault.status, `Injected fault: HTTP ${fault.status}.`, {
        ...headers,
        ...(retryAfter === null ? {} : { "retry-after-ms": String(retryAfter) }),
      });
      return;
    }
    if (fault.breakAfter !== undefined && (record.body.stream !== true || fault.breakAfter <= 0)) {
      res.socket?.destroy();
      return;
    }
    if (scripted !== undefined || route === undefined) {
      if (scripted !== undefined) await sendAnswer(res, pathname, scripted, fault, headers);
      return;
    }
    await route.handler({
      body: record.body,
      res,
      fault,
      headers,
      nextId,
      reply: options.reply,
      usage: options.usage ?? {},
      parallelToolCalls: options.parallelToolCalls === true,
      embeddingDimensions: options.embeddingDimensions ?? 8,
      answerModel: options.answerModel ?? ((requested: string) => requested),
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, "openai", 500, `The stand-in failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets (fetch pools them) would hold close() open otherwise.
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    close,
    streamEnded(index: number): Promise<StreamEnd> {
      const end = ends[index];
      if (end === undefined) return Promise.reject(new RangeError(`No request #${index} was received (${ends.length} so far).`));
      return end;
    },
    release(): void {
      releaseHolds();
    },
    [Symbol.asyncDispose]: close,
  };
}
