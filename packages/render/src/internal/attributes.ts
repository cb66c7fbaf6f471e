import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_TYPE } from "@opentelemetry/semantic-conventions";
import type { RenderSpan } from "../model.js";

// The only attributes the renderer reads. Everything else (input/output values, messages, headers,
// metadata) is never printed, which is what keeps secrets out of the console.
const KIND = SemanticConventions.OPENINFERENCE_SPAN_KIND;
const MODEL_KEYS = [
  SemanticConventions.LLM_MODEL_NAME,
  SemanticConventions.EMBEDDING_MODEL_NAME,
  SemanticConventions.RERANKER_MODEL_NAME,
] as const;
const PROMPT_TOKENS = SemanticConventions.LLM_TOKEN_COUNT_PROMPT;
const COMPLETION_TOKENS = SemanticConventions.LLM_TOKEN_COUNT_COMPLETION;
const TOTAL_TOKENS = SemanticConventions.LLM_TOKEN_COUNT_TOTAL;
const COST_TOTAL = SemanticConventions.LLM_COST_TOTAL;
/** Name of the event the OTel API's `recordException` adds. */
const EXCEPTION_EVENT = "exception";


export interface SpanTokens {
  prompt: number;
  completion: number;
  total: number;
  /** False when only a total was recorded, so the split is unknown. */
  split: boolean;
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function kindOf(span: RenderSpan): string | undefined {
  const kind = span.attributes[KIND];
  return typeof kind === "string" && kind !== "" ? kind : undefined;
}

export function modelOf(span: RenderSpan): string | undefined {
  for (const key of MODEL_KEYS) {
    const model = span.attributes[key];
    if (typeof model === "string" && model !== "") return model;
  }
  return undefined;
}

/** Token counts of one span; the total is the recorded one, else prompt + completion. */
export function tokensOf(span: RenderSpan): SpanTokens | undefined {
  const prompt = finite(span.attributes[PROMPT_TOKENS]);
  const completion = finite(span.attributes[COMPLETION_TOKENS]);
  const total = finite(span.attributes[TOTAL_TOKENS]);
  if (prompt === undefined && completion === undefined && total === undefined) return undefined;
  return {
    prompt: prompt ?? 0,
    completion: completion ?? 0,
    total: total ?? (prompt ?? 0) + (completion ?? 0),
    split: prompt !== undefined || completion !== undefined,
  };
}

/** `llm.cost.total` when recorded; never a made-up 0. */
export function costOf(span: RenderSpan): number | undefined {
  return finite(span.attributes[COST_TOTAL]);
}

/**
 * For an ERROR span: the status message, else the message of its last `exception` event, else "".
 * `undefined` for spans that did not fail.
 */
export function errorMessageOf(span: RenderSpan): string | undefined {
  if (span.status.code !== 2) return undefined;
  if (span.status.message) return span.status.message;
  for (let i = span.events.length - 1; i >= 0; i--) {
    const event = span.events[i];
    if (event?.name !== EXCEPTION_EVENT) continue;
    const message = event.attributes[ATTR_EXCEPTION_MESSAGE];
    const type = event.attributes[ATTR_EXCEPTION_TYPE];
    if (typeof message === "string" && message !== "") {
      return typeof type === "string" && type !== "" ? `${type}: ${message}` : message;
    }
    if (typeof type === "string" && type !== "") return type;
  }
  return "";
}

/** Attribute keys the renderer and the totals read; nothing else of a span is ever shown. */
export const RENDERED_KEYS: readonly string[] = [KIND, ...MODEL_KEYS, PROMPT_TOKENS, COMPLETION_TOKENS, TOTAL_TOKENS, COST_TOTAL];

/** Exception-event attributes used for the error message of a failed span. */
export const RENDERED_EVENT = { name: EXCEPTION_EVENT, keys: [ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_TYPE] } as const;
