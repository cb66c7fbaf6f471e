import { CalltreeError } from "@calltree/core/kind";
import type { DecoratedMethod } from "@calltree/core/kind";
import { toJsonSchema } from "./internal/parameters.js";
import { tool, toolName } from "./tool.js";
import type { JsonSchema, ToolKindOptions } from "./tool.js";

/** A tool in the OpenAI format (`tools` of Chat Completions; the Responses API takes `function` flattened). */
export interface OpenAITool {
  type: "function";
  function: {
    /** The tool name: the `name` option, else the method name. */
    name: string;
    /** The `description` option; left out when there is none. */
    description?: string;
    /** JSON Schema of the arguments; left out when the tool has no `parameters` (OpenAI then sends `{}`). */
    parameters?: JsonSchema;
  };
}

/** A tool in the Anthropic Messages format. */
export interface AnthropicTool {
  name: string;
  description?: string;
  /**
   * JSON Schema of the arguments, always with `type: "object"` (Anthropic accepts no other);
   * `{ type: "object", properties: {} }` for a tool without `parameters`.
   */
  input_schema: { type: "object"; [key: string]: unknown };
}

/** One `@tool` method of a class, as {@link callTool} dispatches to it. @internal */
export interface ToolDefinition {
  name: string;
  method: DecoratedMethod<ToolKindOptions>;
}

function classOf(target: object | Function): Function {
  if (typeof target === "function") return target;
  if (typeof target === "object" && target !== null) {
    const ctor = (target as { constructor?: unknown }).constructor;
    if (typeof ctor === "function") return ctor;
  }
  throw new CalltreeError("INVALID_ARGUMENT", `toolsOf() takes a class or an instance of one, got ${target === null ? "null" : typeof target}.`);
}

// How far from the base of the class chain a method was first declared (0 = the base-most class that has it).
function declarationDepth(chain: readonly Function[], method: DecoratedMethod<ToolKindOptions>): number {
  const i = chain.findIndex((c) =>
    Object.prototype.hasOwnProperty.call(method.isStatic ? c : (c.prototype as object), method.methodName),
  );
  return i < 0 ? chain.length : i;
}

/**
 * The `@tool` methods of a class (or an instance's class), inherited ones included, by tool name: the base
 * class's tools first, then each subclass's additions; within a class the instance methods, then the static
 * ones, each in declaration order. Core lists them in a
 * different order per decorator mode; a fixed order keeps the tools list (and a model's prompt cache) the same
 * in both. Private (`#name`) methods are left out: nothing outside the class can call them. @internal
 */
export function toolDefinitions(target: object | Function): ToolDefinition[] {
  const cls = classOf(target);
  const chain: Function[] = [];
  for (let c: unknown = cls; typeof c === "function" && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c);
  const methods = tool
    .methodsOf(cls)
    .map((method, index) => ({ method, index, depth: declarationDepth(chain, method) }))
    .sort((a, b) => a.depth - b.depth || Number(a.method.isStatic) - Number(b.method.isStatic) || a.index - b.index)
    .map((m) => m.method);
  const seen = new Map<string, DecoratedMethod<ToolKindOptions>>();
  const out: ToolDefinition[] = [];
  for (const method of methods) {
    if (method.methodName.startsWith("#")) continue;
    const name = toolName(method);
    const other = seen.get(name);
    if (other !== undefined) {
      const where = (m: DecoratedMethod<ToolKindOptions>) => `${m.isStatic ? "static " : ""}${m.methodName}()`;
      throw new CalltreeError(
        "DUPLICATE_TOOL",
        `${cls.name || "This class"} has two tools named "${name}": ${where(other)} and ${where(method)}. ` +
          "A model calls tools by name; give one of them another `name` option.",
      );
    }
    seen.set(name, method);
    out.push({ name, method });
  }
  return out;
}

/**
 * The `@tool` methods of a class, or of an instance's class, as OpenAI-style tool definitions:
 * `[{ type: "function", function: { name, description, parameters } }]`, ready for `tools` of a chat completion
 * request. Inherited tools are included (the base class's first, then each subclass's additions; within a
 * class the instance methods, then the static ones, each in declaration order; the same in both decorator
 * modes), as are static ones; private
 * `#methods` are not. Read from decorator metadata (standard decorators) or calltree's registry (legacy
 * `experimentalDecorators`). Each call returns fresh objects, safe to change.
 *
 * @throws {CalltreeError} `DUPLICATE_TOOL` when two methods have the same tool name.
 * @see {@link toAnthropicTools} for Anthropic's format, {@link callTool} to run the model's tool calls.
 */
export function toolsOf(target: object | Function): OpenAITool[] {
  return toolDefinitions(target).map(({ name, method }) => {
    const fn: OpenAITool["function"] = { name };
    if (method.options.description !== undefined) fn.description = method.options.description;
    if (method.options.parameters !== undefined) fn.parameters = structuredClone(toJsonSchema(method.options.parameters));
    return { type: "function", function: fn };
  });
}

/**
 * Turns OpenAI-style tools (as {@link toolsOf} returns them) into Anthropic Messages tools:
 * `{ name, description, input_schema }`. A tool without parameters gets `{ type: "object", properties: {} }`,
 * since Anthropic requires an input schema of type object.
 */
export function toAnthropicTools(tools: readonly OpenAITool[]): AnthropicTool[] {
  return tools.map(({ function: fn }) => {
    const input_schema: AnthropicTool["input_schema"] =
      fn.parameters !== undefined ? { ...structuredClone(fn.parameters), type: "object" } : { type: "object", properties: {} };
    return fn.description !== undefined ? { name: fn.name, description: fn.description, input_schema } : { name: fn.name, input_schema };
  });
}
