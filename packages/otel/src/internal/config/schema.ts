// Validation of register()'s options object (its schema: options.ts), with fix-it messages.
import type { z } from "zod";
import { registerOptionsSchema } from "../../options.js";
import type { RegisterOptions } from "../../options.js";
import { CalltreeError } from "../core.js";

const OPTION_NAMES = Object.keys(registerOptionsSchema.shape);

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const temp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = temp;
    }
  }
  return row[b.length] as number;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const where = path === "" ? "" : ` in ${path}`;
    return issue.keys
      .map((key) => {
        const known = path === "" ? OPTION_NAMES : [];
        const guess = closest(key, known);
        return `unknown option \`${key}\`${where}${guess ? ` (did you mean \`${guess}\`?)` : ""}`;
      })
      .join("; ");
  }
  return path === "" ? issue.message : `\`${path}\` ${issue.message.startsWith(path) ? issue.message.slice(path.length).trim() : issue.message}`;
}

/** Validates `options`; throws a {@link CalltreeError} (`INVALID_OPTIONS`) that lists every problem and its fix. */
export function validateOptions(options: unknown): RegisterOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new CalltreeError("INVALID_OPTIONS", `register() takes an options object, e.g. register({ projectName: "my-app" }); got ${Array.isArray(options) ? "an array" : typeof options}.`);
  }
  const result = registerOptionsSchema.safeParse(options);
  if (!result.success) {
    const problems = result.error.issues.map(describeIssue);
    throw new CalltreeError(
      "INVALID_OPTIONS",
      `register(): ${problems.join("; ")}. See docs/configuration.md for every option.`,
    );
  }
  return options as RegisterOptions;
}
