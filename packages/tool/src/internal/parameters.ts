import { z } from "zod";
import type { $ZodType } from "zod/v4/core";
import type { JsonSchema, ToolParameters } from "../tool.js";

/** True for a zod 4 schema (classic, mini, or `zod/v4` from zod 3.25): they all carry the `_zod` internals. */
export function isZodSchema(value: unknown): value is $ZodType {
  if (typeof value !== "object" || value === null) return false;
  const internals = (value as { _zod?: unknown })._zod;
  return typeof internals === "object" && internals !== null && "def" in internals;
}

function isZod3Schema(value: object): boolean {
  return "_def" in value && typeof (value as { safeParse?: unknown }).safeParse === "function";
}

function isPlainObject(value: unknown): value is JsonSchema {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const cache = new WeakMap<object, JsonSchema>();

/**
 * Turns `parameters` into the JSON Schema a model is shown, once per schema object (cached): a zod schema
 * through zod's own `z.toJSONSchema` for its *input* side (what the model must send: defaults make a field
 * optional, transforms are described by what they accept), a JSON Schema object as a copy of itself. The
 * top-level `$schema` keyword is dropped: tool formats (OpenAI, Anthropic) describe the arguments only.
 *
 * @throws {Error} with a fix-it message when the value cannot be turned into JSON Schema; option validation
 * turns it into a `CalltreeError` that names the option.
 */
export function toJsonSchema(parameters: ToolParameters): JsonSchema {
  const hit = cache.get(parameters);
  if (hit !== undefined) return hit;
  let schema: JsonSchema;
  if (isZodSchema(parameters)) {
    try {
      schema = z.toJSONSchema(parameters, { io: "input" }) as JsonSchema;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(
        `the zod schema cannot be shown to a model as JSON Schema (${why}); describe such fields by what the model ` +
          "sends (e.g. z.iso.datetime() instead of z.date(), z.string() then parse it in the tool), or pass a JSON Schema object",
        { cause: e },
      );
    }
    delete schema.$schema;
  } else if (typeof parameters === "object" && parameters !== null && isZod3Schema(parameters)) {
    throw new Error(
      "this is a zod 3 schema; calltree turns zod 4 schemas into JSON Schema (zod@4, or `zod/v4` from zod 3.25). " +
        "Upgrade zod, or pass a JSON Schema object",
    );
  } else if (isPlainObject(parameters)) {
    try {
      schema = JSON.parse(JSON.stringify(parameters)) as JsonSchema;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`the JSON Schema object cannot be serialized (${why}); pass plain JSON data`, { cause: e });
    }
    delete schema.$schema;
  } else {
    throw new Error("expected a zod schema or a JSON Schema object such as { type: \"object\", properties: { … } }");
  }
  cache.set(parameters, schema);
  return schema;
}

/** Checks `parameters` at definition time; adds the reason as a zod issue so the error names the option. */
export function checkParameters(value: unknown, ctx: z.RefinementCtx): void {
  try {
    toJsonSchema(value as ToolParameters);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: e instanceof Error ? e.message : String(e) });
  }
}
