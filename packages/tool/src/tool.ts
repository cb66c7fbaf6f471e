import { CalltreeError, defineKind } from "@calltree/core/kind";
import type { AnyFunction, CallInfo, CommonOptions, DecoratedMethod, Kind } from "@calltree/core/kind";
import type { Attributes } from "@opentelemetry/api";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { z } from "zod";
import type { $ZodType } from "zod/v4/core";
import { checkParameters, isZodSchema, toJsonSchema } from "./internal/parameters.js";
import { claimToolCallId } from "./internal/tool-call-id.js";
import { describeValidationError, isValidationError, validating } from "./internal/validate.js";

/**
 * Set on a `@tool` span whose arguments a validating tool (`validate: true`) rejected: zod's readable
 * rendering of the issues (`✖ Invalid input: expected string, received number\n  → at city`). Not an
 * OpenInference attribute; OpenInference defines none for this.
 */
export const TOOL_VALIDATION_ERROR = "calltree.tool.validation_error";

/** A JSON Schema object, as given by the user or produced from a zod schema. */
export type JsonSchema = { [key: string]: unknown };

/** The `parameters` a tool accepts: a zod 4 schema (classic or mini) or a JSON Schema object. */
export type ToolParameters = $ZodType | JsonSchema;

/** Tool names as OpenAI and Anthropic accept them. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

// Each option is written once, its check beside its TSDoc; the options type is an interface over this shape's input
// (an interface, so that it is shown by name). The shape is a constant of its own: a .d.ts keeps the doc comments of
// an object literal's properties, not of the type z.object() maps them to.
const toolOptionsShape = {
  /**
   * What the tool does, for the model (and `tool.description` on the span). Default: none.
   */
  description: z.string().optional(),
  /**
   * The tool's arguments: a zod 4 schema (turned into JSON Schema with zod's own `z.toJSONSchema`, input side)
   * or a JSON Schema object. Recorded as `tool.parameters` and returned by `toolsOf()`. A zod schema that cannot
   * be expressed as JSON Schema (e.g. `z.date()`) is an error at class definition.
   */
  parameters: z.custom<ToolParameters>().superRefine(checkParameters).optional(),
  /**
   * Parse the first argument with the zod `parameters` before the method runs (default false). The method
   * receives the parsed value; invalid arguments reject the call with the ZodError (a rejected Promise for an
   * async method, a throw otherwise), and the span records it: status ERROR, an `exception` event and
   * {@link TOOL_VALIDATION_ERROR}. Needs `parameters` to be a zod schema.
   */
  validate: z.boolean().optional(),
};

/** The options only `@tool` has; see {@link ToolOptions}. */
export interface ToolKindOptions extends z.input<z.ZodObject<typeof toolOptionsShape>> {}

/**
 * Options of `@tool(options)` and `tool.wrap(fn, options)`: {@link ToolKindOptions} plus the
 * {@link CommonOptions} every kind takes. `name` is the tool's name (what the model calls) and the span name; it
 * must match `^[a-zA-Z0-9_-]{1,64}$`, the names OpenAI and Anthropic accept. Default: the method or function name.
 */
export type ToolOptions = ToolKindOptions & CommonOptions;

// `name` is a common option; a tool's name must also be one the model can call.
const optionsSchema = z.object({
  ...toolOptionsShape,
  name: z
    .string()
    .regex(TOOL_NAME, "a tool name the model can call: 1 to 64 letters, digits, `_` or `-` (OpenAI and Anthropic reject others)")
    .optional(),
});

/** The tool name of a decorated method: its `name` option, else the method name. */
export function toolName(method: { methodName: string; options: { name?: string | undefined } }): string {
  return method.options.name ?? method.methodName;
}

const TOOL_ID = SC.TOOL_ID;

const base: Kind<ToolKindOptions, never> = defineKind<ToolKindOptions, never>({
  name: "tool",
  spanKind: OpenInferenceSpanKind.TOOL,
  options: optionsSchema,
  staticAttributes(options, site) {
    const attributes: Attributes = { [SC.TOOL_NAME]: options.name ?? site.methodName };
    if (options.description !== undefined) attributes[SC.TOOL_DESCRIPTION] = options.description;
    if (options.parameters !== undefined) attributes[SC.TOOL_PARAMETERS] = JSON.stringify(toJsonSchema(options.parameters));
    return attributes;
  },
  onStart() {
    const id = claimToolCallId();
    if (id === undefined) return undefined;
    // Filled by assignment with a key copied once: a computed-key literal is a slow define on every call.
    const attributes: Attributes = {};
    attributes[TOOL_ID] = id;
    return attributes;
  },
  onError(error) {
    return isValidationError(error) ? { [TOOL_VALIDATION_ERROR]: describeValidationError(error) } : undefined;
  },
});

// `base` has the decorator signatures; this view calls it with whatever a compiler passes.
const callBase = base as unknown as (...args: unknown[]) => unknown;

function isOptionsCall(args: readonly unknown[]): boolean {
  return args.length === 0 || (args.length === 1 && typeof args[0] !== "function");
}

/** The zod schema a validating tool parses with; a setup error when there is none. */
function validationSchema(options: ToolOptions | undefined): $ZodType | undefined {
  if (options?.validate !== true) return undefined;
  if (isZodSchema(options.parameters)) return options.parameters;
  throw new CalltreeError(
    "INVALID_OPTIONS",
    "@tool: option `validate`: validation parses with the zod schema in `parameters`, and " +
      (options.parameters === undefined ? "there is none" : "`parameters` is a JSON Schema object") +
      ". Pass a zod schema as `parameters`, or leave out `validate`.",
  );
}

function isPlainFunction(fn: unknown): fn is AnyFunction {
  return typeof fn === "function" && !/^class[\s{]/.test(Function.prototype.toString.call(fn));
}

// A decorator that swaps the method for a validating one, then hands it to core. Anything that is not a method
// goes to core unchanged, so misuse gets core's error.
function validatingDecorator(decorate: (...args: unknown[]) => unknown, schema: $ZodType) {
  return function calltreeToolValidatingDecorator(...args: unknown[]): unknown {
    const [value, second, descriptor] = args;
    const ctx = second as { kind?: unknown } | undefined;
    if (args.length === 2 && typeof value === "function" && typeof ctx === "object" && ctx !== null && ctx.kind === "method") {
      return decorate(validating(value as AnyFunction, schema), second);
    }
    const desc = descriptor as PropertyDescriptor | undefined;
    if ((typeof second === "string" || typeof second === "symbol") && desc !== undefined && typeof desc.value === "function") {
      desc.value = validating(desc.value as AnyFunction, schema);
    }
    return decorate(...args);
  };
}

function calltreeToolDecorator(...args: unknown[]): unknown {
  if (!isOptionsCall(args)) return callBase(...args);
  const decorate = callBase(args[0]) as (...a: unknown[]) => unknown;
  const schema = validationSchema(args[0] as ToolOptions | undefined);
  return schema === undefined ? decorate : validatingDecorator(decorate, schema);
}

function calltreeToolWrap<F extends AnyFunction>(fn: F, options?: ToolOptions): F {
  if (options?.validate === true && isPlainFunction(fn)) {
    callBase(options); // validates the options first, so their own errors come before the `validate` check
    const schema = validationSchema(options);
    if (schema !== undefined) return base.wrap(validating(fn, schema) as F, options);
  }
  return base.wrap(fn, options);
}

/**
 * `@tool`, `@tool(options)` and `tool.wrap(fn, options)`: a TOOL span per call of a function the model can call.
 *
 * The span starts when the method is called (as a child of the active span) and the method runs inside it; it
 * ends when the result is complete (at return, when a returned Promise settles, when a returned stream ends).
 * Captured: `tool.name` (the `name` option, else the method name), `tool.description`, `tool.parameters` (JSON
 * Schema as a JSON string, from a zod schema or a JSON Schema object), `tool.id` when the call came through
 * {@link callTool} with a tool call id, `input.value` (one object argument is recorded as its JSON) and
 * `output.value`, with the context attributes and code location. Errors are recorded (status ERROR, an
 * `exception` event) and rethrown unchanged; with `validate: true`, invalid arguments are rejected before the
 * method runs (see {@link ToolKindOptions.validate}).
 *
 * The definitions are readable back as model tool JSON with {@link toolsOf}, and a model's tool call is
 * dispatched with {@link callTool}.
 *
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/tool.md
 */
export const tool: Kind<ToolKindOptions, never> = calltreeToolDecorator as unknown as Kind<ToolKindOptions, never>;

Object.defineProperties(tool, {
  name: { value: base.kindName },
  kindName: { value: base.kindName, enumerable: true },
  spanKind: { value: base.spanKind, enumerable: true },
  wrap: { value: calltreeToolWrap },
  record: { value: (data: never): void => base.record(data) },
  current: { value: (): CallInfo<ToolKindOptions> | undefined => base.current() },
  methodsOf: { value: (target: object | Function): DecoratedMethod<ToolKindOptions>[] => base.methodsOf(target) },
});
