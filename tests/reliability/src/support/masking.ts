// Shared by the masking property and its child process: a probe kind whose hooks return generated attributes,
// a runner that puts one case through every route attributes take onto a span, and OpenInference's own
// OITracer as the oracle of what masking must leave.
import type { Attributes } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { OITracer } from "@arizeai/openinference-core";
import type { TraceConfigOptions } from "@arizeai/openinference-core";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { withAttributes } from "@calltree/core";
import { defineKind } from "@calltree/core/kind";
import type { HideOptions } from "@calltree/core";
import type { CapturedTraces } from "@calltree/testing";

/** One generated case: attributes for each route, and what the function returns or yields. */
export interface MaskCase {
  shape: "sync" | "async" | "generator" | "throw";
  start?: Attributes;
  result?: Attributes;
  streamEnd?: Attributes;
  error?: Attributes;
  recorded?: Attributes;
  /** Through the `attributes` option (static) and `withAttributes` (context): masked only when a flag is on. */
  staticAttributes?: Attributes;
  contextAttributes?: Attributes;
  returned: string | Record<string, unknown>;
}

const probe = defineKind<{}, Attributes>({
  name: "probe",
  spanKind: OpenInferenceSpanKind.CHAIN,
  onStart: (call) => (call.args[0] as MaskCase).start,
  onResult: (_result, call) => (call.args[0] as MaskCase).result,
  onStreamEnd: (call) => (call.args[0] as MaskCase).streamEnd,
  onError: (_error, call) => (call.args[0] as MaskCase).error,
  record: (data) => data,
});

/**
 * Runs a copy of `c` through a probe call and returns the exported attributes of its span. A copy, because the
 * engine writes into the attribute objects hooks return (see the mutation test in masking.test.ts).
 */
export async function runCase(traces: CapturedTraces, original: MaskCase): Promise<Attributes> {
  const c = structuredClone(original);
  traces.reset();
  const options = c.staticAttributes === undefined ? {} : { attributes: c.staticAttributes };
  let body: (input: MaskCase) => unknown;
  switch (c.shape) {
    case "sync":
      body = (input) => {
        probe.record(input.recorded ?? {});
        return input.returned;
      };
      break;
    case "async":
      body = async (input) => {
        probe.record(input.recorded ?? {});
        return input.returned;
      };
      break;
    case "generator":
      body = function* (input: MaskCase) {
        probe.record(input.recorded ?? {});
        yield input.returned;
        yield "more";
      };
      break;
    case "throw":
      body = (input) => {
        probe.record(input.recorded ?? {});
        throw new Error("probe failure");
      };
      break;
  }
  const f = probe.wrap(body, options);
  const call = async () => {
    try {
      const r = f(c);
      if (c.shape === "async") await r;
      if (c.shape === "generator") for (const _ of r as Iterable<unknown>) { /* consume */ }
    } catch {
      // The failure is the point of the "throw" shape.
    }
  };
  if (c.contextAttributes !== undefined) await withAttributes(c.contextAttributes, call);
  else await call();
  const spans = traces.spans;
  if (spans.length !== 1) throw new Error(`expected one span, got ${spans.length}:\n${traces.shape()}`);
  return { ...spans[0]!.attributes };
}

/** calltree's hide flags with OpenInference's name for each (all but invocationParameters, which it lacks). */
export const SHARED_FLAGS: ReadonlyArray<[keyof HideOptions, Exclude<keyof TraceConfigOptions, "base64ImageMaxLength">, string]> = [
  ["inputs", "hideInputs", "OPENINFERENCE_HIDE_INPUTS"],
  ["outputs", "hideOutputs", "OPENINFERENCE_HIDE_OUTPUTS"],
  ["inputMessages", "hideInputMessages", "OPENINFERENCE_HIDE_INPUT_MESSAGES"],
  ["outputMessages", "hideOutputMessages", "OPENINFERENCE_HIDE_OUTPUT_MESSAGES"],
  ["inputImages", "hideInputImages", "OPENINFERENCE_HIDE_INPUT_IMAGES"],
  ["inputText", "hideInputText", "OPENINFERENCE_HIDE_INPUT_TEXT"],
  ["outputText", "hideOutputText", "OPENINFERENCE_HIDE_OUTPUT_TEXT"],
  ["embeddingVectors", "hideEmbeddingVectors", "OPENINFERENCE_HIDE_EMBEDDING_VECTORS"],
  ["prompts", "hidePrompts", "OPENINFERENCE_HIDE_PROMPTS"],
  ["llmTools", "hideLLMTools", "OPENINFERENCE_HIDE_LLM_TOOLS"],
];
export const INVOCATION_PARAMETERS_VARIABLE = "OPENINFERENCE_HIDE_LLM_INVOCATION_PARAMETERS";

/**
 * What OpenInference's OITracer exports for `attributes` under `traceConfig` (an empty object makes it read the
 * OPENINFERENCE_* environment variables). `hideInvocationParameters` adds calltree's one extra rule.
 */
export function openInferenceMask(attributes: Attributes, traceConfig: TraceConfigOptions, hideInvocationParameters: boolean): Attributes {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 10_000 },
  });
  new OITracer({ tracer: provider.getTracer("oracle"), traceConfig }).startSpan("oracle", { attributes }).end();
  const span = exporter.getFinishedSpans()[0];
  if (span === undefined) throw new Error("the oracle exported no span");
  const out = { ...span.attributes };
  // OpenInference's Python SDK has this rule (hide_llm_invocation_parameters); its JS SDK 2.7 does not.
  if (hideInvocationParameters) delete out[SC.LLM_INVOCATION_PARAMETERS];
  // The configuration spec (spec/configuration.md) also hides the texts of embedding spans: HIDE_INPUTS and
  // HIDE_INPUT_MESSAGES remove them, HIDE_INPUT_TEXT redacts them. openinference-core 2.7 predates the rule.
  const env = (name: string) => ["true", "1", "yes"].includes((process.env[name] ?? "").trim().toLowerCase());
  const flag = (key: "hideInputs" | "hideInputMessages" | "hideInputText", variable: string) =>
    traceConfig[key] ?? env(variable);
  for (const key of Object.keys(out)) {
    if (!key.includes(SC.EMBEDDING_EMBEDDINGS) || !key.endsWith(SC.EMBEDDING_TEXT)) continue;
    if (flag("hideInputs", "OPENINFERENCE_HIDE_INPUTS") || flag("hideInputMessages", "OPENINFERENCE_HIDE_INPUT_MESSAGES")) delete out[key];
    else if (flag("hideInputText", "OPENINFERENCE_HIDE_INPUT_TEXT")) out[key] = "__REDACTED__";
  }
  return out;
}
