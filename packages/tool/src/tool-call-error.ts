/** Why {@link callTool} could not dispatch a tool call. */
export type ToolCallErrorCode =
  /** No `@tool` of the target has the requested name. */
  | "UNKNOWN_TOOL"
  /** The arguments are not valid JSON. */
  | "INVALID_ARGUMENTS"
  /** The tool call object has none of the known shapes. */
  | "INVALID_TOOL_CALL"
  /** The tool exists but cannot be called on this target (an instance method dispatched on the class). */
  | "NOT_CALLABLE";

/**
 * Thrown (as a rejected Promise) by {@link callTool} when a model's tool call cannot be dispatched: an unknown
 * tool name, arguments that are not JSON, a tool call object of an unknown shape. These are the model's
 * mistakes, not the program's: an agent loop catches them and sends `message` back to the model as the tool
 * result so it can correct itself. Errors thrown by the tool itself are passed through unchanged, never wrapped.
 */
export class ToolCallError extends Error {
  /** A stable, machine-readable reason. */
  readonly code: ToolCallErrorCode;
  /** The tool name the model asked for (empty when the tool call had none). */
  readonly toolName: string;

  /**
   * @param code - why the call could not be dispatched
   * @param toolName - the tool name the model asked for
   * @param message - what went wrong, worded so a model can act on it
   */
  constructor(code: ToolCallErrorCode, toolName: string, message: string) {
    super(message);
    this.name = "ToolCallError";
    this.code = code;
    this.toolName = toolName;
  }
}

/** True if `error` is a {@link ToolCallError} (also across two copies of this package). */
export function isToolCallError(error: unknown): error is ToolCallError {
  return (
    error instanceof ToolCallError ||
    (error instanceof Error && error.name === "ToolCallError" && typeof (error as { code?: unknown }).code === "string")
  );
}
