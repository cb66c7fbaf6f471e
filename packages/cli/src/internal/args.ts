import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import type { RenderOptions } from "@calltree/render";

/** A mistake in the command line: the command prints it with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parsed command line: option values by name, and the positional arguments. */
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** `util.parseArgs` in strict mode, its errors turned into {@link UsageError}. */
export function parse(args: string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { values: values as Parsed["values"], positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, "."));
  }
}

/** A string option's value (flags declared `type: "string"` never hold booleans). */
export function str(values: Parsed["values"], name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** An integer option within `[min, max]`, or `fallback` when absent. */
export function integer(value: string | undefined, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`--${name} takes a whole number, not "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, not ${n}`);
  return n;
}

/** Options every command shares for drawing trees. */
export const RENDER_FLAGS = {
  color: { type: "boolean" },
  "no-color": { type: "boolean" },
  "max-depth": { type: "string" },
  "max-children": { type: "string" },
  "max-lines": { type: "string" },
} as const;

export const RENDER_HELP = `  --color, --no-color  ANSI colours (default: on when stdout is a terminal)
  --max-depth N        deepest level drawn, 0 = top level only; deeper spans fold (default 24)
  --max-children N     children drawn per span, 0 = all; the rest fold (default 100)
  --max-lines N        lines per trace, header included, 0 = all; the rest fold (default 500)`;

/** Reads {@link RENDER_FLAGS} into render options; `0` means "no limit" for lines and children. */
export function renderOptionsOf(values: Parsed["values"], isTTY: boolean): RenderOptions {
  const optional = (name: string): number | undefined => {
    const value = str(values, name);
    return value === undefined ? undefined : integer(value, name, 0, 0);
  };
  const unlimited = (n: number | undefined): number | undefined => (n === 0 ? Infinity : n);
  return {
    color: values["no-color"] === true ? false : values.color === true ? true : isTTY,
    maxDepth: optional("max-depth"),
    maxChildren: unlimited(optional("max-children")),
    maxLines: unlimited(optional("max-lines")),
  };
}
