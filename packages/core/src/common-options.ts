import type { Attributes } from "@opentelemetry/api";
import { z } from "zod";
import { isAttributeValue } from "./internal/attribute-value.js";

const isFunction = (v: unknown): boolean => typeof v === "function";

// z.custom<F>() states a mapper's type exactly; the check is only that it is a function.
const mapper = <F>() => z.custom<F>(isFunction, { message: "expected a function" });

// OpenTelemetry's `Attributes`, checked as the type states it: a string, number or boolean, an array of one of those
// (null and undefined allowed in it), or undefined (the key is then left out). An array mixing types would pass
// setup and then be dropped by the SDK at run time with only a diagnostic: refused here instead, with the fix.
function isAttributes(v: unknown): boolean {
  if (typeof v === "function") return true;
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key of Object.keys(v)) {
    const value = (v as Record<string, unknown>)[key];
    if (value !== undefined && !isAttributeValue(value)) return false;
  }
  return true;
}

const attributes = z.custom<Attributes | ((...args: any[]) => Attributes)>(isAttributes, {
  message:
    "expected OpenTelemetry attributes, e.g. { \"app.tier\": \"gold\" } (each value a string, number or boolean, or an " +
    "array of one of those types), or a function of the call's arguments returning them",
});

// Each option is written once, its check beside its TSDoc; CommonOptions is an interface over this shape's input (an
// interface, so that it is shown by name). The shape is a constant of its own: a .d.ts keeps the doc comments of an
// object literal's properties, not of the type z.object() maps them to.
export const commonOptionsShape = {
  /** Span name; default `ClassName.method` for methods, the function's name for `wrap()`. */
  name: z.string().min(1).optional(),
  /** Maps the call's arguments to the value recorded as `input.value` (a string is `text/plain`, else JSON). */
  input: mapper<(...args: any[]) => unknown>().optional(),
  /** Maps the result (awaited; for streams the collected output) to the value recorded as `output.value`. */
  output: mapper<(result: any) => unknown>().optional(),
  /**
   * Record the call's input (default true). `false` leaves off `input.value` and every attribute read from the
   * arguments: embedding texts, reranker query and input documents, prompt template and variables, input
   * messages (the table per kind is in docs/privacy.md).
   */
  captureInput: z.boolean().optional(),
  /**
   * Record the call's output (default true). `false` leaves off `output.value` and every attribute read from the
   * result or stream: embedding vectors, retrieved and reranked documents, an evaluation's label, explanation and
   * metadata, a guardrail's reason, output messages (docs/privacy.md).
   */
  captureOutput: z.boolean().optional(),
  /** Extra attributes: a fixed object, or a function of the call's arguments. */
  attributes: attributes.optional(),
  /**
   * Start a new trace at this call instead of a child of the caller's span; the new root span carries a link
   * to the caller's span. Context values (session, user, metadata, tags) still apply.
   */
  root: z.boolean().optional(),
};

/**
 * Options every kind accepts, in `@kind(options)` and `kind.wrap(fn, options)`. Mappers and the `attributes`
 * function run inside a guard: if they throw, the call goes on, that part is not recorded and one diagnostic
 * is reported.
 */
export interface CommonOptions extends z.input<z.ZodObject<typeof commonOptionsShape>> {}
