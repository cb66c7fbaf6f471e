// The tracer provider: resource (project, service), sampler, span limits, and the span processors in their order.
import { SEMRESATTRS_PROJECT_NAME } from "@arizeai/openinference-semantic-conventions";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import type { BasicTracerProvider, Sampler, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { ResolvedConfig, SamplerConfig } from "../config.js";
import { createCalltreeSpanProcessor } from "../core.js";
import { GenAiConventionsProcessor } from "../genai-conventions.js";
import type { Platform } from "../platform.js";

function makeSampler(config: SamplerConfig): Sampler {
  switch (config.type) {
    case "always_on": return new AlwaysOnSampler();
    case "always_off": return new AlwaysOffSampler();
    case "traceidratio": return new TraceIdRatioBasedSampler(config.ratio);
    case "parentbased_always_on": return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off": return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio": return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.ratio) });
  }
}

/**
 * The provider for `config` (the platform's kind: Node's, or the basic one), exporting through `processor` (if any)
 * after core's processor and the GenAI mapping.
 */
export function createProvider(config: ResolvedConfig, processor: SpanProcessor | undefined, platform: Platform): BasicTracerProvider {
  const attributes: Record<string, string | number | boolean | string[] | number[] | boolean[]> = {};
  for (const [k, v] of Object.entries(config.resourceAttributes)) if (v !== undefined) attributes[k] = v as string;
  attributes[SEMRESATTRS_PROJECT_NAME] = config.projectName;
  if (config.serviceName !== undefined) attributes[ATTR_SERVICE_NAME] = config.serviceName;
  return platform.createProvider({
    resource: defaultResource().merge(resourceFromAttributes(attributes)),
    sampler: makeSampler(config.sampler),
    spanLimits: {
      attributeCountLimit: config.spanLimits.attributeCountLimit,
      attributeValueLengthLimit: config.spanLimits.attributeValueLengthLimit ?? Infinity,
      eventCountLimit: config.spanLimits.eventCountLimit,
      linkCountLimit: config.spanLimits.linkCountLimit,
      attributePerEventCountLimit: config.spanLimits.attributePerEventCountLimit,
      attributePerLinkCountLimit: config.spanLimits.attributePerLinkCountLimit,
    },
    // Core's processor comes first: it shows a decorated call the spans that end inside it (an auto-instrumented
    // LLM call inside an @llm method), before any exporter sees them.
    // The GenAI mapping runs at onEnding, after core's bookkeeping and before any exporter or user processor.
    spanProcessors: [
      createCalltreeSpanProcessor() as SpanProcessor,
      ...(config.conventions === "openinference" ? [] : [new GenAiConventionsProcessor(config.conventions)]),
      ...(processor ? [processor] : []),
      ...config.spanProcessors,
    ],
  });
}
