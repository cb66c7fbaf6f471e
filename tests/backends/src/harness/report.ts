// What Phoenix reported, printed with the test output (the figures docs/backends.md and the closing note quote).
import { appendFileSync, mkdirSync } from "node:fs";
import { packageRoot } from "./paths.js";

/** Prints `[backends] label {json}` and appends it to reports/last-run.jsonl (not committed). */
export function report(label: string, data: unknown): void {
  const line = `[backends] ${label} ${JSON.stringify(data)}`;
  process.stdout.write(`${line}\n`);
  try {
    mkdirSync(`${packageRoot}reports`, { recursive: true });
    appendFileSync(`${packageRoot}reports/last-run.jsonl`, `${JSON.stringify({ at: new Date().toISOString(), label, data })}\n`);
  } catch {
    // a report that cannot be written changes no result
  }
}
