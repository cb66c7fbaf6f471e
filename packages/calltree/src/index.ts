// The umbrella package: every kind, the context helpers and register(), re-exported by name. No code of its own.
export { agent } from "@calltree/agent";
export { chain } from "@calltree/chain";
export { embedding } from "@calltree/embedding";
export { evaluator } from "@calltree/evaluator";
export { guardrail } from "@calltree/guardrail";
export { llm, setModelPrices, clearModelPrices } from "@calltree/llm";
export { prompt } from "@calltree/prompt";
export { reranker } from "@calltree/reranker";
export { retriever } from "@calltree/retriever";
export { tool, toolsOf, callTool, toAnthropicTools, ToolCallError, isToolCallError } from "@calltree/tool";
export { register } from "@calltree/otel";
export type { RegisterOptions, Tracing } from "@calltree/otel";
export {
  CalltreeError,
  configureCapture,
  currentTraceId,
  suppressTracing,
  traceHeaders,
  withAttributes,
  withMetadata,
  withPromptTemplate,
  withSession,
  withTags,
  withTraceHeaders,
  withUser,
} from "@calltree/core";
export type { CommonOptions, Kind, PromptTemplate } from "@calltree/core";
// For writing a kind of your own (the kind-author entry of core).
export { defineKind } from "@calltree/core/kind";
export type { CallInfo, KindDefinition } from "@calltree/core/kind";
