import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Attributes } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { OITracer } from "@arizeai/openinference-core";
import type { TraceConfigOptions } from "@arizeai/openinference-core";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { captureConfig, configureCapture, resetCapture } from "./config.js";
import type { HideOptions } from "./config.js";
import { maskAttributes, OPENINFERENCE_REDACTED } from "./mask.js";

afterEach(() => resetCapture());

const LONG_IMAGE = `data:image/png;base64,${"A".repeat(40_000)}`;
const SHORT_IMAGE = "data:image/png;base64,AAAA";
const IN_MSG = `${SC.LLM_INPUT_MESSAGES}.0`;
const OUT_MSG = `${SC.LLM_OUTPUT_MESSAGES}.0`;

/** One attribute of every family a masking rule looks at, plus some no rule touches. */
const SAMPLE: Attributes = {
  [SC.INPUT_VALUE]: "question",
  [SC.INPUT_MIME_TYPE]: "text/plain",
  [SC.OUTPUT_VALUE]: "answer",
  [SC.OUTPUT_MIME_TYPE]: "text/plain",
  [`${IN_MSG}.${SC.MESSAGE_ROLE}`]: "user",
  [`${IN_MSG}.${SC.MESSAGE_CONTENT}`]: "hello",
  [`${IN_MSG}.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TYPE}`]: "text",
  [`${IN_MSG}.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TEXT}`]: "part text",
  [`${IN_MSG}.${SC.MESSAGE_CONTENTS}.1.${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`]: LONG_IMAGE,
  [`${IN_MSG}.${SC.MESSAGE_CONTENTS}.2.${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`]: SHORT_IMAGE,
  [`${OUT_MSG}.${SC.MESSAGE_ROLE}`]: "assistant",
  [`${OUT_MSG}.${SC.MESSAGE_CONTENT}`]: "hi there",
  [`${OUT_MSG}.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TEXT}`]: "out part",
  [`${SC.INPUT_IMAGES}.0.${SC.IMAGE_URL}`]: LONG_IMAGE,
  [`${SC.INPUT_IMAGES}.1.${SC.IMAGE_URL}`]: SHORT_IMAGE,
  [`${SC.OUTPUT_IMAGES}.0.${SC.IMAGE_URL}`]: LONG_IMAGE,
  [`${SC.INPUT_IMAGES}et.0.${SC.IMAGE_URL}`]: LONG_IMAGE, // not the input.images namespace
  [`${SC.EMBEDDING_EMBEDDINGS}.0.${SC.EMBEDDING_VECTOR}`]: [0.1, 0.2],
  [`${SC.EMBEDDING_EMBEDDINGS}.0.${SC.EMBEDDING_TEXT}`]: "embedded text",
  [SC.LLM_PROMPTS]: ["a prompt"],
  [`${SC.LLM_TOOLS}.0.${SC.TOOL_JSON_SCHEMA}`]: '{"type":"function"}',
  [SC.LLM_INVOCATION_PARAMETERS]: '{"temperature":0}',
  [SC.LLM_MODEL_NAME]: "gpt-4o",
  [SC.SESSION_ID]: "s1",
  "custom.attribute": LONG_IMAGE,
};

const SHARED_FLAGS: ReadonlyArray<[keyof HideOptions, Exclude<keyof TraceConfigOptions, "base64ImageMaxLength">]> = [
  ["inputs", "hideInputs"],
  ["outputs", "hideOutputs"],
  ["inputMessages", "hideInputMessages"],
  ["outputMessages", "hideOutputMessages"],
  ["inputImages", "hideInputImages"],
  ["inputText", "hideInputText"],
  ["outputText", "hideOutputText"],
  ["embeddingVectors", "hideEmbeddingVectors"],
  ["prompts", "hidePrompts"],
  ["llmTools", "hideLLMTools"],
];

/** What OpenInference's own OITracer exports for `attributes` under `traceConfig`. */
function openInferenceMask(attributes: Attributes, traceConfig: TraceConfigOptions): Attributes {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 10_000 },
  });
  const tracer = new OITracer({ tracer: provider.getTracer("oracle"), traceConfig });
  tracer.startSpan("oracle", { attributes }).end();
  const span = exporter.getFinishedSpans()[0];
  assert.ok(span !== undefined);
  return { ...span.attributes };
}

function calltreeMask(attributes: Attributes, hide: Partial<HideOptions>, base64ImageMaxLength = 32_000): Attributes {
  resetCapture();
  configureCapture({ hide, base64ImageMaxLength });
  return maskAttributes({ ...attributes });
}

describe("maskAttributes matches OpenInference's masking rules", () => {
  // openinference-core 2.7 predates the configuration spec's rule for embedding texts (spec/configuration.md:
  // HIDE_INPUTS and HIDE_INPUT_MESSAGES hide them, HIDE_INPUT_TEXT hides their text); the oracle adds it.
  function withEmbeddingTextRule(expected: Attributes, hide: Partial<HideOptions>): Attributes {
    const out = { ...expected };
    for (const key of Object.keys(out)) {
      if (!key.includes(SC.EMBEDDING_EMBEDDINGS) || !key.endsWith(SC.EMBEDDING_TEXT)) continue;
      if (hide.inputs || hide.inputMessages) delete out[key];
      else if (hide.inputText) out[key] = "__REDACTED__";
    }
    return out;
  }

  test("for every combination of the ten shared flags (1,024 cases)", () => {
    for (let bits = 0; bits < 1 << SHARED_FLAGS.length; bits++) {
      const hide: Partial<HideOptions> = {};
      const traceConfig: TraceConfigOptions = {};
      SHARED_FLAGS.forEach(([ours, theirs], i) => {
        const on = (bits & (1 << i)) !== 0;
        hide[ours] = on;
        traceConfig[theirs] = on;
      });
      assert.deepEqual(calltreeMask(SAMPLE, hide), withEmbeddingTextRule(openInferenceMask(SAMPLE, traceConfig), hide), JSON.stringify(hide));
    }
  });

  test("for base64 images around the length limit, with no hide flag", () => {
    for (const limit of [0, 10, 26, 27, 1000]) {
      const attrs: Attributes = {
        [`${IN_MSG}.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`]: SHORT_IMAGE, // 26 units
        [`${SC.INPUT_IMAGES}.0.${SC.IMAGE_URL}`]: "data:image/jpeg;base64,/9j/",
        [`${SC.OUTPUT_IMAGES}.0.${SC.IMAGE_URL}`]: "data:image/gif;BASE64,R0lG", // "base64" is matched case-sensitively
        [`${SC.INPUT_IMAGES}.1.${SC.IMAGE_URL}`]: "https://example.com/a.png",
      };
      assert.deepEqual(calltreeMask(attrs, {}, limit), openInferenceMask(attrs, { base64ImageMaxLength: limit }), `limit ${limit}`);
    }
  });
});

describe("maskAttributes: each flag", () => {
  test("no flag: nothing changes but long base64 images", () => {
    const out = calltreeMask(SAMPLE, {});
    const expected = { ...SAMPLE };
    expected[`${IN_MSG}.${SC.MESSAGE_CONTENTS}.1.${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`] = OPENINFERENCE_REDACTED;
    expected[`${SC.INPUT_IMAGES}.0.${SC.IMAGE_URL}`] = OPENINFERENCE_REDACTED;
    expected[`${SC.OUTPUT_IMAGES}.0.${SC.IMAGE_URL}`] = OPENINFERENCE_REDACTED;
    assert.deepEqual(out, expected);
    assert.equal(captureConfig().masking, false);
  });

  test("inputs: input value redacted, its MIME type, input messages, input images and tools removed", () => {
    const out = calltreeMask(SAMPLE, { inputs: true });
    assert.equal(out[SC.INPUT_VALUE], OPENINFERENCE_REDACTED);
    assert.equal(SC.INPUT_MIME_TYPE in out, false);
    assert.equal(Object.keys(out).some((k) => k.startsWith(SC.LLM_INPUT_MESSAGES)), false);
    assert.equal(Object.keys(out).some((k) => k.startsWith(`${SC.INPUT_IMAGES}.`)), false);
    assert.equal(Object.keys(out).some((k) => k.startsWith(SC.LLM_TOOLS)), false);
    assert.equal(out[SC.OUTPUT_VALUE], "answer");
    assert.equal(out[`${OUT_MSG}.${SC.MESSAGE_CONTENT}`], "hi there");
  });

  test("outputs: output value redacted, its MIME type, output messages and output images removed", () => {
    const out = calltreeMask(SAMPLE, { outputs: true });
    assert.equal(out[SC.OUTPUT_VALUE], OPENINFERENCE_REDACTED);
    assert.equal(SC.OUTPUT_MIME_TYPE in out, false);
    assert.equal(Object.keys(out).some((k) => k.startsWith(SC.LLM_OUTPUT_MESSAGES)), false);
    assert.equal(Object.keys(out).some((k) => k.startsWith(`${SC.OUTPUT_IMAGES}.`)), false);
    assert.equal(out[SC.INPUT_VALUE], "question");
  });

  test("inputText / outputText redact message text and keep the rest of the message", () => {
    const out = calltreeMask(SAMPLE, { inputText: true, outputText: true });
    assert.equal(out[`${IN_MSG}.${SC.MESSAGE_CONTENT}`], OPENINFERENCE_REDACTED);
    assert.equal(out[`${IN_MSG}.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TEXT}`], OPENINFERENCE_REDACTED);
    assert.equal(out[`${OUT_MSG}.${SC.MESSAGE_CONTENT}`], OPENINFERENCE_REDACTED);
    assert.equal(out[`${OUT_MSG}.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TEXT}`], OPENINFERENCE_REDACTED);
    assert.equal(out[`${IN_MSG}.${SC.MESSAGE_ROLE}`], "user");
    assert.equal(out[`${IN_MSG}.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TYPE}`], "text");
    assert.equal(out[`${IN_MSG}.${SC.MESSAGE_CONTENTS}.2.${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`], SHORT_IMAGE);
  });

  test("embeddingVectors, prompts, llmTools, invocationParameters", () => {
    assert.deepEqual(
      Object.keys(SAMPLE).filter((k) => !(k in calltreeMask(SAMPLE, { embeddingVectors: true }))),
      [`${SC.EMBEDDING_EMBEDDINGS}.0.${SC.EMBEDDING_VECTOR}`],
    );
    assert.equal(calltreeMask(SAMPLE, { prompts: true })[SC.LLM_PROMPTS], OPENINFERENCE_REDACTED);
    assert.deepEqual(
      Object.keys(SAMPLE).filter((k) => !(k in calltreeMask(SAMPLE, { llmTools: true }))),
      [`${SC.LLM_TOOLS}.0.${SC.TOOL_JSON_SCHEMA}`],
    );
    // OpenInference's Python SDK names this flag; its JS SDK has no such rule yet.
    const out = calltreeMask(SAMPLE, { invocationParameters: true });
    assert.deepEqual(Object.keys(SAMPLE).filter((k) => !(k in out)), [SC.LLM_INVOCATION_PARAMETERS]);
  });

  test("invocationParameters adds only its own removal to any other combination", () => {
    for (let bits = 0; bits < 1 << SHARED_FLAGS.length; bits += 37) {
      const hide: Partial<HideOptions> = {};
      SHARED_FLAGS.forEach(([ours], i) => (hide[ours] = (bits & (1 << i)) !== 0));
      const without = calltreeMask(SAMPLE, hide);
      delete without[SC.LLM_INVOCATION_PARAMETERS];
      assert.deepEqual(calltreeMask(SAMPLE, { ...hide, invocationParameters: true }), without);
    }
  });

  test("masks in place and returns the same object", () => {
    configureCapture({ hide: { inputs: true } });
    const attrs: Attributes = { [SC.INPUT_VALUE]: "x" };
    assert.equal(maskAttributes(attrs), attrs);
    assert.deepEqual(attrs, { [SC.INPUT_VALUE]: OPENINFERENCE_REDACTED });
  });
});
