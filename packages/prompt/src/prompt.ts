import type { Attributes } from "@opentelemetry/api";
import { defineKind, safeJson, truncateText } from "@calltree/core/kind";
import type { CallStart, CommonOptions, Kind } from "@calltree/core/kind";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { z } from "zod";

// Each option is written once, its check beside its TSDoc; the options type is an interface over this shape's input
// (an interface, so that it is shown by name). The shape is a constant of its own: a .d.ts keeps the doc comments of
// an object literal's properties, not of the type z.object() maps them to.
const promptOptionsShape = {
  /** The template, e.g. `"Answer {question} using {context}"` (`llm.prompt_template.template`). */
  template: z.string().optional(),
  /** The template's version (`llm.prompt_template.version`). */
  version: z.string().min(1).optional(),
  /** Where the prompt comes from, e.g. a prompt hub (`prompt.vendor`). */
  vendor: z.string().min(1).optional(),
  /** The vendor's id of the prompt (`prompt.id`). */
  promptId: z.string().min(1).optional(),
  /** The vendor's URL of the prompt (`prompt.url`). */
  promptUrl: z.string().min(1).optional(),
  /**
   * Maps the call's arguments to the template variables (`llm.prompt_template.variables`). Default: the single
   * object argument, or the second argument of a `(template, variables)` call.
   */
  variables: z.custom<(...args: any[]) => Record<string, unknown> | undefined>((v) => typeof v === "function", {
    message: "expected a function of the call's arguments",
  }).optional(),
};

/** Options of `@prompt`: the {@link CommonOptions} every kind takes, plus these. */
export interface PromptOptions extends z.input<z.ZodObject<typeof promptOptionsShape>> {}

/** What `prompt.record()` takes. Every field is optional; what is given replaces what was recorded. */
export interface PromptRecord {
  template?: string;
  variables?: Record<string, unknown>;
  version?: string;
  vendor?: string;
  promptId?: string;
  promptUrl?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  try {
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  } catch {
    return false;
  }
}

function optionAttributes(data: PromptRecord | PromptOptions): Attributes {
  const attrs: Attributes = {};
  if (typeof data.template === "string") attrs[SC.PROMPT_TEMPLATE_TEMPLATE] = truncateText(data.template);
  if (typeof data.version === "string" && data.version !== "") attrs[SC.PROMPT_TEMPLATE_VERSION] = data.version;
  if (typeof data.vendor === "string" && data.vendor !== "") attrs[SC.PROMPT_VENDOR] = data.vendor;
  if (typeof data.promptId === "string" && data.promptId !== "") attrs[SC.PROMPT_ID] = data.promptId;
  if (typeof data.promptUrl === "string" && data.promptUrl !== "") attrs[SC.PROMPT_URL] = data.promptUrl;
  return attrs;
}

// The variables of a call: the `variables` mapper, else the one plain-object argument, else `(template, variables)`.
function variablesOf(call: CallStart<PromptOptions>): { variables?: unknown; template?: string } {
  const mapper = call.options.variables;
  if (mapper !== undefined) {
    try {
      return { variables: mapper(...call.args) };
    } catch {
      // A throwing mapper loses the variables only; the template and version are still recorded.
      return {};
    }
  }
  const [a, b] = call.args;
  if (call.args.length === 1 && isPlainObject(a)) return { variables: a };
  if (typeof a === "string" && isPlainObject(b)) {
    return call.options.template === undefined ? { template: a, variables: b } : { variables: b };
  }
  return {};
}

/**
 * `@prompt`, `@prompt(options)` and `prompt.wrap(fn, options)`: a PROMPT span per call, for a step that renders a
 * prompt template (`(variables) => string`, or one that returns chat messages).
 *
 * The span starts when the method is called, as a child of the active span, and ends when the result is
 * complete (at return, or when a returned Promise settles). Captured automatically: the template, version,
 * vendor, id and URL from the options (`llm.prompt_template.template`, `llm.prompt_template.version`,
 * `prompt.vendor`, `prompt.id`, `prompt.url`); the variables as a JSON string (`llm.prompt_template.variables`)
 * from the `variables` mapper, the single object argument, or a `(template, variables)` call (whose template is
 * then recorded when no `template` option is set); the arguments as `input.value` and the rendered prompt as
 * `output.value` (`text/plain` for a string, JSON for messages). The options and the call win over values set
 * with `withPromptTemplate()` around it. Errors are recorded (status ERROR, an `exception` event) and
 * rethrown unchanged.
 *
 * `prompt.record({ template, variables, version, ... })` records a template known only while the call runs
 * (one fetched from a prompt hub, for example).
 *
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/prompt.md
 */
export const prompt: Kind<PromptOptions, PromptRecord> = defineKind<PromptOptions, PromptRecord>({
  name: "prompt",
  spanKind: OpenInferenceSpanKind.PROMPT,
  options: z.object(promptOptionsShape),
  // Options are written at start rather than as static attributes: start attributes win over the values of
  // an enclosing withPromptTemplate(), and the method's own template is the one that applies to it.
  onStart(call) {
    const found = variablesOf(call);
    const attrs = optionAttributes(call.options);
    if (found.template !== undefined) attrs[SC.PROMPT_TEMPLATE_TEMPLATE] = truncateText(found.template);
    if (found.variables !== undefined && found.variables !== null) {
      attrs[SC.PROMPT_TEMPLATE_VARIABLES] = safeJson(found.variables);
    }
    return attrs;
  },
  record(data) {
    if (typeof data !== "object" || data === null) return undefined;
    const attrs = optionAttributes(data);
    if (data.variables !== undefined && data.variables !== null) {
      attrs[SC.PROMPT_TEMPLATE_VARIABLES] = safeJson(data.variables);
    }
    return attrs;
  },
});
