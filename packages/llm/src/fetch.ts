import type { CallInfo, Kind } from "@calltree/core/kind";
import { answerMessagesOf, createStreamAggregator, extractLlmRequest, readLlmResponse } from "./internal/extract/index.js";
import { answerOutput, noteModels, prepare, stateOf, streamAttributes } from "./llm.js";
import type { LlmOptions, LlmRecord, LlmState } from "./llm.js";
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

// The events after which a streamed answer says nothing more that we record.
function isTerminal(event: unknown): boolean {
  if (!isRecord(event)) return false;
  const type = event["type"];
  return type === "message_stop" || type === "response.completed" || type === "response.incomplete" || type === "response.failed";
}

/** Splits server-sent events as bytes pass by; `data:` lines carry one JSON event each. */
function sseParser(onEvent: (event: unknown) => void, onDone: () => void): (bytes: Uint8Array | undefined) => void {
  const decoder = new TextDecoder();
  let buffer = "";
  const line = (text: string) => {
    if (!text.startsWith("data:")) return;
    const payload = text.slice(5).trim();
    if (payload === "") return;
    if (payload === "[DONE]") {
      onDone();
      return;
    }
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch {
      return; // A malformed event is skipped; the app's stream is untouched.
    }
    onEvent(event);
    if (isTerminal(event)) onDone();
  };
  return (bytes) => {
    buffer += bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      line(buffer.slice(0, nl).replace(/\r$/, ""));
      buffer = buffer.slice(nl + 1);
    }
    if (bytes === undefined && buffer !== "") {
      line(buffer);
      buffer = "";
    }
  };
}

// The body the SDK gets: the same bytes, read from the server only when the SDK reads (highWaterMark 0), and
// its cancel goes to the server's body. So `break`, `abort()` and `body.cancel()` close the connection as they
// would without llm.fetch, and what is recorded is exactly what the app pulled.
function passThrough(
  source: ReadableStream<Uint8Array>,
  see: (bytes: Uint8Array | undefined) => void,
  end: () => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (error) {
          end();
          controller.error(error);
          return;
        }
        if (r.done) {
          see(undefined);
          end();
          controller.close();
          return;
        }
        see(r.value);
        controller.enqueue(r.value);
      },
      cancel(reason) {
        end();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function guarded(fn: () => void): void {
  try {
    fn();
  } catch {
    // Recording is best effort; the app's bytes flow on.
  }
}

/**
 * Makes `llm.fetch`: a `fetch` to hand to SDK clients that accept one (`new OpenAI({ fetch: llm.fetch })`,
 * `new Anthropic({ fetch: llm.fetch })`, the Vercel AI SDK's `createOpenAI({ fetch: llm.fetch })`…).
 *
 * Inside an `@llm` call it records the request the SDK sends (model, messages, parameters, tools) and the response
 * on the innermost `@llm` span: no extra span, no patching of the SDK. A JSON answer is read from a copy; a
 * server-sent event stream is read as the SDK reads it (a pass-through body that pulls from the server only when
 * the SDK pulls and passes a cancel on), so leaving a stream early still closes the connection, and each event is
 * counted once even when the method also returns the SDK's stream. Outside an `@llm` call, and for requests that
 * are not JSON, it is the global `fetch`. It never throws anything `fetch` would not.
 */
export function createLlmFetch(kind: Kind<LlmOptions, LlmRecord, LlmState>): Fetch {
  const llmFetch = async function fetch(input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]): Promise<Response> {
    const call = kind.current();
    const base: Fetch = globalThis.fetch;
    if (call === undefined) return base(input, init);
    let request: unknown;
    guarded(() => {
      request = parseBody(init?.body);
      if (isRecord(request)) {
        const state = stateOf(call);
        state.request = request;
        noteModels(state, request, undefined);
        call.setAttributes(prepare(extractLlmRequest(request), call));
      }
    });
    const response = await base(input, init);
    if (!isRecord(request) || !response.ok || response.body === null) return response;
    try {
      const type = response.headers.get("content-type") ?? "";
      if (type.includes("text/event-stream")) return observeStream(call, request, response);
      if (type.includes("json")) {
        const state = stateOf(call);
        const copy = response.clone();
        call.waitFor(
          copy.json().then(
            (body: unknown) => {
              guarded(() => {
                const read = readLlmResponse(body, request);
                noteModels(state, request, read.model);
                call.setAttributes(prepare(read.attributes, call));
                const messages = answerMessagesOf(body);
                const out = messages !== undefined ? answerOutput(messages) : undefined;
                if (out !== undefined) state.answer = out;
              });
            },
            () => undefined,
          ),
        );
      }
    } catch {
      // Not readable twice (an exotic Response): nothing more is recorded.
    }
    return response;
  };
  return llmFetch as Fetch;
}

function observeStream(call: CallInfo<LlmOptions, LlmState>, request: unknown, response: Response): Response {
  const state = stateOf(call);
  // The wire is the one source of this answer: the returned stream's chunks are the same events.
  state.streamFromFetch = true;
  const aggregator = createStreamAggregator({ request });
  state.stream = aggregator;
  // By the time the call settles the app has read what it will read of this answer; the span waits for the end
  // of the body (below), and the usage it carries is written when the span closes.
  let finished = false;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const finish = () => {
    if (finished) return;
    finished = true;
    guarded(() => {
      call.setAttributes(streamAttributes(call));
    });
    resolveDone();
  };
  const parse = sseParser(
    (event) => {
      if (aggregator.chunks === 0) state.firstTokenAt ??= Date.now();
      aggregator.push(event);
    },
    finish,
  );
  call.waitFor(done);
  const body = passThrough(response.body!, (bytes) => guarded(() => parse(bytes)), finish);
  const out = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  // What a constructed Response cannot take in its init, but SDKs read (error messages, redirects).
  guarded(() => Object.defineProperty(out, "url", { value: response.url, configurable: true }));
  guarded(() => Object.defineProperty(out, "redirected", { value: response.redirected, configurable: true }));
  return out;
}
