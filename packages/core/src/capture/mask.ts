import type { Attributes } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { captureConfig } from "./config.js";
import type { CaptureConfig } from "./config.js";

/** The value OpenInference uses for a hidden attribute. */
export const OPENINFERENCE_REDACTED = "__REDACTED__";

const DROP = Symbol("drop");

function within(key: string, namespace: string): boolean {
  return key === namespace || key.startsWith(`${namespace}.`);
}

function isLongBase64Image(key: string, value: unknown, max: number): boolean {
  return (
    typeof value === "string" &&
    value.length > max &&
    value.startsWith("data:image/") &&
    value.includes("base64") &&
    key.endsWith(SC.IMAGE_URL) &&
    ((key.includes(SC.LLM_INPUT_MESSAGES) && key.includes(SC.MESSAGE_CONTENT_IMAGE)) ||
      within(key, SC.INPUT_IMAGES) ||
      within(key, SC.OUTPUT_IMAGES))
  );
}

// The rules of OpenInference's trace configuration, in its order, so a span masked by calltree looks exactly
// like one masked by an OpenInference instrumentation with the same settings.
function rule(c: CaptureConfig, key: string, value: unknown): unknown {
  const h = c.hide;
  if (h.inputs && key === SC.INPUT_VALUE) return OPENINFERENCE_REDACTED;
  if (h.inputs && key === SC.INPUT_MIME_TYPE) return DROP;
  if (h.outputs && key === SC.OUTPUT_VALUE) return OPENINFERENCE_REDACTED;
  if (h.outputs && key === SC.OUTPUT_MIME_TYPE) return DROP;
  if ((h.inputs || h.inputMessages) && key.includes(SC.LLM_INPUT_MESSAGES)) return DROP;
  if ((h.outputs || h.outputMessages) && key.includes(SC.LLM_OUTPUT_MESSAGES)) return DROP;
  const isContent = key.includes(SC.MESSAGE_CONTENT) && !key.includes(SC.MESSAGE_CONTENTS);
  if (h.inputText && key.includes(SC.LLM_INPUT_MESSAGES) && isContent) return OPENINFERENCE_REDACTED;
  if (h.outputText && key.includes(SC.LLM_OUTPUT_MESSAGES) && isContent) return OPENINFERENCE_REDACTED;
  if (h.inputText && key.includes(SC.LLM_INPUT_MESSAGES) && key.includes(SC.MESSAGE_CONTENT_TEXT)) {
    return OPENINFERENCE_REDACTED;
  }
  if (h.outputText && key.includes(SC.LLM_OUTPUT_MESSAGES) && key.includes(SC.MESSAGE_CONTENT_TEXT)) {
    return OPENINFERENCE_REDACTED;
  }
  if (h.inputImages && key.includes(SC.LLM_INPUT_MESSAGES) && key.includes(SC.MESSAGE_CONTENT_IMAGE)) return DROP;
  if ((h.inputs || h.inputImages) && within(key, SC.INPUT_IMAGES)) return DROP;
  if (h.outputs && within(key, SC.OUTPUT_IMAGES)) return DROP;
  if (isLongBase64Image(key, value, c.base64ImageMaxLength)) return OPENINFERENCE_REDACTED;
  if (h.embeddingVectors && key.includes(SC.EMBEDDING_EMBEDDINGS) && key.includes(SC.EMBEDDING_VECTOR)) return DROP;
  // The current OpenInference configuration spec extends the input flags to the texts an embedding span embeds.
  if (key.includes(SC.EMBEDDING_EMBEDDINGS) && key.endsWith(SC.EMBEDDING_TEXT)) {
    if (h.inputs || h.inputMessages) return DROP;
    if (h.inputText) return OPENINFERENCE_REDACTED;
  }
  if (h.prompts && key === SC.LLM_PROMPTS) return OPENINFERENCE_REDACTED;
  if ((h.inputs || h.llmTools) && key.includes(SC.LLM_TOOLS)) return DROP;
  if (h.invocationParameters && key === SC.LLM_INVOCATION_PARAMETERS) return DROP;
  return value;
}

/**
 * Applies the `OPENINFERENCE_HIDE_*` masking (see {@link HideOptions}) to `attributes` in place and returns
 * them. Every attribute calltree writes passes through here: captured input and output, kind attributes and
 * what the recorder API writes. A no-op while no hide flag is set and no base64 image is too long.
 */
export function maskAttributes(attributes: Attributes): Attributes {
  const config = captureConfig();
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (!config.masking && typeof value !== "string") continue;
    if (!config.masking && !(value as string).startsWith("data:image/")) continue;
    const masked = rule(config, key, value);
    if (masked === DROP) delete attributes[key];
    else if (masked !== value) attributes[key] = masked as string;
  }
  return attributes;
}
