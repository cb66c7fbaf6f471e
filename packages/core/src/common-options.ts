import type { Attributes } from "@opentelemetry/api";
import { z } from "zod";

const isFunction = (v: unknown): boolean => typeof v === "function";

// z.custom<F>() states a mapper's type exactly; the check is only that it is a function.
const mapper = <F>() => z.custom<F>(isFunction, { message: "expected a function" });

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const attributeValue = z.union([scalar, z.array(z.union([scalar, z.null(), z.undefined()]))]);
const attributesCheck = z.union([z.record(z.string(), attributeValue), z.custom(isFunction)]);

// The check of `attributes` is not OpenTelemetry's `Attributes` type, in both directions: it refuses a key whose value
// is `undefined` and takes an array that mixes strings, numbers and booleans. z.custom<T>() keeps that check (one
// issue, "Invalid input", as the union gave) under the type users have always been given
// (written out, not aliased, so that hover and the .d.ts show it as it was).
const attributes = z.custom<Attributes | ((...args: any[]) => Attributes)>((v) => attributesCheck.safeParse(v).success);

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
