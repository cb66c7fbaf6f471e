import { z } from "zod";
import type { $ZodType } from "zod/v4/core";
import { copyFunctionShape } from "@calltree/core/kind";
import type { AnyFunction } from "@calltree/core/kind";

interface Parser {
  parse?: (value: unknown) => unknown;
  parseAsync?: (value: unknown) => Promise<unknown>;
}

// Errors thrown by a validating wrapper, so the error hook can tell a rejected argument from a failure inside
// the tool itself (which may throw a ZodError of its own).
const validationErrors = new WeakSet<object>();

function mark(error: unknown): unknown {
  if (typeof error === "object" && error !== null) validationErrors.add(error);
  return error;
}

/** True if `error` was thrown because a validating tool rejected its arguments. */
export function isValidationError(error: unknown): boolean {
  return typeof error === "object" && error !== null && validationErrors.has(error);
}

/** Zod's own readable rendering of a validation error (`✖ Invalid input … → at city`). */
export function describeValidationError(error: unknown): string {
  const issues = (error as { issues?: unknown }).issues;
  if (Array.isArray(issues)) return z.prettifyError(error as z.core.$ZodError);
  return error instanceof Error ? error.message : String(error);
}

function isAsyncFunction(fn: AnyFunction): boolean {
  return Object.prototype.toString.call(fn) === "[object AsyncFunction]";
}

/**
 * Wraps a tool method so its first argument is parsed with `schema` before the method runs, and the method
 * receives the parsed value (defaults applied, unknown keys stripped, transforms run), as a hand-written
 * `fn(schema.parse(args))` would. The user's own schema parses, so the error is a ZodError of the user's zod.
 * An async method gets a rejected Promise (and async refinements work); any other method throws when called.
 * Name, length, own properties and reflect-metadata stay those of the method, so span names and reflection see
 * no difference.
 */
export function validating(fn: AnyFunction, schema: $ZodType): AnyFunction {
  const parser = schema as unknown as Parser;
  const parseSync = (value: unknown): unknown =>
    typeof parser.parse === "function" ? parser.parse(value) : z.parse(schema, value);
  const parseAsync = (value: unknown): Promise<unknown> =>
    typeof parser.parseAsync === "function" ? parser.parseAsync(value) : z.parseAsync(schema, value);
  const wrapped = isAsyncFunction(fn)
    ? async function (this: unknown, ...args: unknown[]): Promise<unknown> {
        let parsed: unknown;
        try {
          parsed = await parseAsync(args[0]);
        } catch (error) {
          throw mark(error);
        }
        return fn.call(this, parsed, ...args.slice(1));
      }
    : function (this: unknown, ...args: unknown[]): unknown {
        let parsed: unknown;
        try {
          parsed = parseSync(args[0]);
        } catch (error) {
          throw mark(error);
        }
        return fn.call(this, parsed, ...args.slice(1));
      };
  // Name, length, own properties and reflect-metadata of the method: what other decorators put on it survives.
  copyFunctionShape(fn, wrapped);
  return wrapped;
}
