import { withToolCallId } from "./internal/tool-call-id.js";
import { ToolCallError } from "./tool-call-error.js";
import { toolDefinitions } from "./tools-of.js";

/**
 * A tool call as a model returns it, in any of the common shapes:
 * OpenAI Chat Completions (`{ id, function: { name, arguments } }`), the OpenAI Responses API
 * (`{ call_id, name, arguments }`) and Anthropic Messages (`{ id, name, input }`).
 */
export type ToolCall =
  | { type?: string; id?: string; function: { name: string; arguments?: string | Record<string, unknown> } }
  | { type?: string; call_id?: string; id?: string; name: string; arguments?: string | Record<string, unknown> }
  | { type?: string; id?: string; name: string; input?: unknown };

/** Options of {@link callTool}. */
export interface CallToolOptions {
  /** The model's tool call id, recorded as `tool.id` on the tool's span (links the span to the tool call). */
  id?: string;
}

interface Dispatch {
  name: string;
  args: unknown;
  id: string | undefined;
}

function fromToolCall(call: ToolCall): Dispatch {
  if (typeof call !== "object" || call === null) {
    throw new ToolCallError("INVALID_TOOL_CALL", "", "callTool() takes a tool call object or a tool name.");
  }
  const c = call as Record<string, unknown>;
  const fn = c.function as { name?: unknown; arguments?: unknown } | undefined;
  if (typeof fn === "object" && fn !== null && typeof fn.name === "string") {
    return { name: fn.name, args: fn.arguments, id: typeof c.id === "string" ? c.id : undefined };
  }
  if (typeof c.name === "string") {
    const id = typeof c.call_id === "string" ? c.call_id : typeof c.id === "string" ? c.id : undefined;
    return { name: c.name, args: "input" in c ? c.input : c.arguments, id };
  }
  throw new ToolCallError(
    "INVALID_TOOL_CALL",
    "",
    "callTool(): the tool call has no tool name; expected { function: { name, arguments } }, { name, arguments } or { name, input }.",
  );
}

function parseArguments(name: string, args: unknown): unknown {
  if (args === undefined || args === null) return {};
  if (typeof args !== "string") return args;
  // Models send "" (or whitespace) for a tool without arguments.
  if (args.trim() === "") return {};
  try {
    return JSON.parse(args);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ToolCallError("INVALID_ARGUMENTS", name, `The arguments for tool "${name}" are not valid JSON (${why}). Send a JSON object.`);
  }
}

/**
 * Runs a model's tool call on `target` (an instance, or a class for static tools): finds the `@tool` method by
 * its tool name (the `name` option, else the method name), parses the arguments (a JSON string, or an object
 * as Anthropic sends it; `""` and missing arguments are `{}`) and calls the method with them as its one
 * argument. Resolves to the method's (awaited) result. The call is a normal decorated call, so its TOOL span
 * nests under the active span; a tool call id (from the tool call object or `options.id`) is recorded as
 * `tool.id`.
 *
 * Rejects with a {@link ToolCallError} when the call cannot be dispatched (unknown tool, arguments that are not
 * JSON, unknown tool call shape, an instance tool called on the class); its message is worded for the model.
 * Errors of the tool itself (including a validating tool's ZodError) reach the caller unchanged.
 *
 * @example
 * for (const call of message.tool_calls ?? []) {
 *   const result = await callTool(assistant, call);
 *   messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
 * }
 */
export function callTool(target: object | Function, toolCall: ToolCall): Promise<unknown>;
export function callTool(target: object | Function, name: string, args?: unknown, options?: CallToolOptions): Promise<unknown>;
export async function callTool(
  target: object | Function,
  nameOrCall: string | ToolCall,
  args?: unknown,
  options?: CallToolOptions,
): Promise<unknown> {
  const dispatch: Dispatch =
    typeof nameOrCall === "string" ? { name: nameOrCall, args, id: options?.id } : fromToolCall(nameOrCall);
  const { name } = dispatch;
  const definitions = toolDefinitions(target);
  const found = definitions.find((d) => d.name === name);
  if (found === undefined) {
    const known = definitions.map((d) => d.name).join(", ") || "none";
    throw new ToolCallError("UNKNOWN_TOOL", name, `There is no tool named "${name}". Available tools: ${known}.`);
  }
  const parsed = parseArguments(name, dispatch.args);
  const { method } = found;
  const cls = typeof target === "function" ? target : (target as { constructor: Function }).constructor;
  if (!method.isStatic && typeof target === "function") {
    throw new ToolCallError(
      "NOT_CALLABLE",
      name,
      `Tool "${name}" is an instance method of ${cls.name || "this class"}; pass an instance to callTool(), not the class.`,
    );
  }
  const receiver = (method.isStatic ? cls : target) as Record<string, unknown>;
  const fn = receiver[method.methodName];
  if (typeof fn !== "function") {
    throw new ToolCallError("NOT_CALLABLE", name, `Tool "${name}" (method ${method.methodName}) cannot be called on this object.`);
  }
  const run = () => (fn as (a: unknown) => unknown).call(receiver, parsed);
  return await (dispatch.id === undefined ? run() : withToolCallId(dispatch.id, run));
}
