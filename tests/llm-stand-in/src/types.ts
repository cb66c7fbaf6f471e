// The stand-in's public types, in one place so that internal modules and users share them.

/** Which endpoint a chat request came through. */
export type ChatApi = "openai.chat" | "openai.responses" | "openai.completions" | "anthropic.messages";

/** What a scripted `reply` function is shown. */
export interface ReplyContext {
  /** The endpoint: `openai.chat`, `openai.responses`, `openai.completions` or `anthropic.messages`. */
  api: ChatApi;
  /** The model name as sent. */
  model: string;
  /** The conversation flattened to text; tool results have role `tool`. */
  messages: ReadonlyArray<{ role: "system" | "user" | "assistant" | "tool"; content: string }>;
  /** The text of the last user message (the legacy prompt for `/v1/completions`). */
  prompt: string;
  /** Names of the function tools the request offers. */
  tools: readonly string[];
  /** The parsed request body, as sent. */
  body: unknown;
}

/** What to do wrong with one request. All fields are optional and combine. */
export interface StandInFault {
  /** Answer with this HTTP status and the API's error body instead of an answer (e.g. 429, 500). */
  status?: number;
  /**
   * With `status`: the `retry-after-ms` header sent (the openai and Anthropic SDKs honour it).
   * Default 0, so SDK retries do not slow tests down; `null` sends no header (the SDK backs off).
   */
  retryAfterMs?: number | null;
  /** Wait this long before answering at all (before the status line). */
  delayMs?: number;
  /** In a stream, wait this long before every event after the first. */
  chunkDelayMs?: number;
  /**
   * Destroy the socket after this many stream events have been written; with 0, or for a
   * non-streamed answer, destroy it without answering.
   */
  breakAfter?: number;
  /** Apply the fault to this many matching requests only, then answer normally. */
  times?: number;
  /**
   * In a stream, write this many events and then wait until the client leaves (the connection closes) or
   * {@link StandIn.release} is called. With a client that stops after those events, the stand-in writes no more:
   * a test can tell "the client left" from "the client read on" by events, not by time.
   */
  holdAfter?: number;
}

/** How a streamed answer ended, as the stand-in saw it; see {@link StandIn.streamEnded}. */
export interface StreamEnd {
  /** Stream events written (OpenAI's `[DONE]` not counted). */
  events: number;
  /** True when the client closed the connection before the answer was complete. */
  clientLeft: boolean;
}

/** One request as the stand-in received it, in arrival order on {@link StandIn.requests}. */
export interface RecordedRequest {
  /** `POST`, `GET`, ... */
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  /**
   * Lower-case header names. Secrets are masked: `authorization` keeps its scheme
   * (`Bearer ***`), `x-api-key` and `api-key` become `***`.
   */
  headers: Record<string, string>;
  /** The parsed JSON body; the raw text when it is not JSON; `undefined` when empty. */
  body: unknown;
}

/**
 * Fixed token counts that replace the counted ones. By default prompt tokens count the words and
 * punctuation of every message, completion tokens those of the answer, and the cache and
 * reasoning counts are 0. Reasoning tokens are added to the completion count, as OpenAI does;
 * cached and cache-creation tokens are part of the prompt count (Anthropic's `input_tokens` is
 * sent without them, as Anthropic does).
 */
export interface StandInUsage {
  /** Replaces the counted prompt (input) tokens. */
  promptTokens?: number;
  /** Replaces the counted completion (output) tokens, reasoning included. */
  completionTokens?: number;
  /** Prompt tokens read from the cache (capped at the prompt count). */
  cachedTokens?: number;
  /** Prompt tokens written to the cache (Anthropic `cache_creation_input_tokens`). */
  cacheCreationTokens?: number;
  /** Reasoning tokens, part of the completion count. */
  reasoningTokens?: number;
}

/**
 * A scripted answer to one request, see {@link StandInOptions.respond}: a JSON body (status 200 unless given), or
 * stream events sent as server-sent events in the route's style (OpenAI chat and legacy completions: `data:` lines
 * and a final `data: [DONE]`; OpenAI responses and Anthropic messages: `event: TYPE` before each `data:` line).
 */
export type StandInAnswer = { json: unknown; status?: number } | { events: readonly unknown[] };

/** Options of `startStandIn()`. Everything is optional. */
export interface StandInOptions {
  /**
   * Scripts the whole answer of a request, on any POST path (recorded fixtures replayed byte for byte, a canned
   * rerank result). `undefined` falls back to the route's built-in answer. Faults still apply first.
   */
  respond?: (request: RecordedRequest) => StandInAnswer | undefined;
  /**
   * Scripts the answer of a chat request (chat completions, responses, legacy completions,
   * Anthropic messages). A string is sent as the assistant's text; `undefined` falls back to the
   * built-in behaviour (tool calls, tool-result answers, the built-in rules).
   */
  reply?: (context: ReplyContext) => string | undefined;
  /**
   * A fault for every request, or a function that picks one per request. `times` counts only for a
   * fault object given here (a function can count for itself). Model-name directives such as
   * `gpt-4o#status=429` are read as well and take precedence field by field.
   */
  fault?: StandInFault | ((request: RecordedRequest) => StandInFault | undefined);
  /** Length of embedding vectors when the request has no `dimensions`. Default 8. */
  embeddingDimensions?: number;
  /**
   * Parallel tool calls: after a user message that offers several function tools (tool choice `auto` or
   * `required`), one answer calls each of them, in order, as a model does when the question needs them all — unless
   * the request disables it (OpenAI `parallel_tool_calls: false`, Anthropic `disable_parallel_tool_use`). Default
   * false: the first tool only.
   */
  parallelToolCalls?: boolean;
  /** Fixed token counts; see {@link StandInUsage}. */
  usage?: StandInUsage;
  /**
   * The model that answers, from the requested one, as real APIs resolve an alias (`gpt-4o` answers as
   * `gpt-4o-2024-08-06`). Default: the requested name. Chat completions only.
   */
  answerModel?: (requested: string) => string;
  /** Port on 127.0.0.1; default 0, a free one. */
  port?: number;
}

/** A running stand-in. Dispose it (`await using`) or call `close()` when done. */
export interface StandIn extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `url + "/v1"`: the `baseURL` for the openai SDK and OpenAI-compatible providers. */
  readonly openaiBaseURL: string;
  /** `url`: the `baseURL` for the Anthropic SDK (it adds `/v1/messages` itself). */
  readonly anthropicBaseURL: string;
  /** Every request received so far, oldest first. The array is live; clear it with `length = 0`. */
  readonly requests: RecordedRequest[];
  /** Stops listening and drops open connections (streams in flight end abruptly). Idempotent. */
  close(): Promise<void>;
  /**
   * Settles when the answer to the request received `index`-th (from 0, since the start) has ended: written to its end, or left by the client.
   * For a request that is not a stream it settles with `{ events: 0, clientLeft }` once the answer is sent.
   */
  streamEnded(index: number): Promise<StreamEnd>;
  /** Lets every stream held by `holdAfter` go on (and streams started later pass their hold). */
  release(): void;
}

