// Public API of @calltree/tool. Listed by name on purpose: nothing else is public.
export { tool, TOOL_VALIDATION_ERROR } from "./tool.js";
export type { JsonSchema, ToolKindOptions, ToolOptions, ToolParameters } from "./tool.js";
export { toolsOf, toAnthropicTools } from "./tools-of.js";
export type { AnthropicTool, OpenAITool } from "./tools-of.js";
export { callTool } from "./call-tool.js";
export type { CallToolOptions, ToolCall } from "./call-tool.js";
export { ToolCallError, isToolCallError } from "./tool-call-error.js";
export type { ToolCallErrorCode } from "./tool-call-error.js";
