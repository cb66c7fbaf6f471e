// One seed for every property of the suite, so a run is reproducible: fixed by default, printed once per test
// file, and replaced with CALLTREE_FC_SEED=<integer>. CALLTREE_FC_SCALE=<factor> multiplies every run count
// (e.g. 10 for a long fuzzing session; the default keeps the whole suite around a minute on two cores).
import fc from "fast-check";
import type { Parameters, RunDetails } from "fast-check";

const DEFAULT_SEED = 1_125_2025;

function parseSeed(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`CALLTREE_FC_SEED must be an integer, got ${JSON.stringify(raw)}`);
  // fast-check takes 32-bit seeds.
  return n | 0;
}

function parseScale(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 1;
  const n = Number(raw);
  if (!(n > 0)) throw new Error(`CALLTREE_FC_SCALE must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

/** The seed every property of this run uses. */
export const SEED: number = parseSeed(process.env.CALLTREE_FC_SEED) ?? DEFAULT_SEED;
const SCALE = parseScale(process.env.CALLTREE_FC_SCALE);

console.log(`# fast-check seed ${SEED} (CALLTREE_FC_SEED=<n> replays another; CALLTREE_FC_SCALE=${SCALE} scales run counts)`);

/** A run count scaled by CALLTREE_FC_SCALE. */
export function runs(base: number): number {
  return Math.max(1, Math.round(base * SCALE));
}

// fast-check's own report names the counterexample but not why it failed; the test runner shows only the
// message, so the failing assertion goes into it too.
function report<T>(details: RunDetails<T>): void {
  if (!details.failed) return;
  const cause = details.errorInstance;
  const why = cause instanceof Error ? cause.message : String(cause);
  throw new Error(`${fc.defaultReportMessage(details) ?? "property failed"}\nFailure: ${why}`, { cause });
}

/** fast-check parameters: the suite's seed, `base` runs (scaled), and extra settings. */
export function params<T>(base: number, extra: Parameters<T> = {}): Parameters<T> {
  return { seed: SEED, numRuns: runs(base), reporter: report, ...extra };
}
