import type { CallInfo } from "@calltree/core";
import { createStreamAggregator, extractLlmRequest, extractLlmResponse } from "./internal/extract/index.js";
import { finishAttributes } from "./llm.js";
import type { LlmKind, LlmOptions } from "./llm.js";
import { isRecord } from "./internal/extract/shape.js";

type Fetch = typeof globalThis.fetch;


function parseBody(body: unknown): unknown {
  if (typeof body === "string") {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (body instanceof Uint8Array) return parseBody(new TextDecoder().decode(body));
  return undefined;
}

// Server-sent events: `data:` lines carry one JSON event each (OpenAI chunks, Anthropic and Responses events).
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: unknown) => void): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const flushLine = (line: string) => {
    if (!line.startsWith("data:")) return;
    const payload = line.slice(5).trim();
    if (payload === "" || payload === "[DONE]") return;
    try {
      onEvent(JSON.parse(payload));
    } catch {
      // A malformed event is skipped; the app's own copy of the stream is untouched.
    }
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      flushLine(buffer.slice(0, nl).replace(/\r$/, ""));
      buffer = buffer.slice(nl + 1);
    }
  }
  if (buffer !== "") flushLine(buffer);
}

/**
 * Makes `llm.fetch`: a `fetch` to hand to SDK clients that accept one (`new OpenAI({ fetch: llm.fetch })`,
 * `new Anthropic({ fetch: llm.fetch })`, the Vercel AI SDK's `createOpenAI({ fetch: llm.fetch })`…).
 *
 * Inside an `@llm` call it records the request the SDK sends (model, messages, parameters, tools) and the response
 * (JSON, or a server-sent event stream read from a copy, so the SDK's body is untouched) on the innermost `@llm`
 * span: no extra span, no patching of the SDK. The span waits (at most 5 s) for the copy to be read. Outside an
 * `@llm` call, and for requests that are not JSON, it is the global `fetch`. It never throws anything `fetch`
 * would not.
 */
export function createLlmFetch(kind: LlmKind): Fetch {
  const llmFetch = async function fetch(input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]): Promise<Response> {
    const call = kind.current() as CallInfo<LlmOptions> | undefined;
    const base: Fetch = globalThis.fetch;
    if (call === undefined) return base(input, init);
    let request: unknown;
    try {
      request = parseBody(init?.body);
      if (isRecord(request)) {
        const data = (call.data ??= {}) as { request?: unknown; model?: string };
        data.request = request;
        if (typeof request["model"] === "string") data.model = request["model"];
        call.setAttributes(finishAttributes(extractLlmRequest(request), call));
      }
    } catch {
      // Recording is best effort; the request goes out unchanged.
    }
    const response = await base(input, init);
    if (!isRecord(request) || !response.ok || response.body === null) return response;
    try {
      const type = response.headers.get("content-type") ?? "";
      if (type.includes("text/event-stream")) {
        const copy = response.clone();
        const aggregator = createStreamAggregator();
        call.waitFor(
          readEvents(copy.body!, (event) => aggregator.push(event)).then(() => {
            call.setAttributes(finishAttributes(aggregator.attributes(), call));
          }),
        );
      } else if (type.includes("json")) {
        const copy = response.clone();
        call.waitFor(
          copy.json().then((body: unknown) => {
            call.setAttributes(finishAttributes(extractLlmResponse(body, request), call));
          }),
        );
      }
    } catch {
      // Not readable twice (an exotic Response): nothing more is recorded.
    }
    return response;
  };
  return llmFetch as Fetch;
}
