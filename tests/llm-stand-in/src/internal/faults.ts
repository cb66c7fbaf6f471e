// Fault injection: from the options and from directives in the model name, so a test can make one
// call fail without starting another stand-in.
import type { StandInFault } from "../types.js";

const DIRECTIVES: Readonly<Record<string, keyof StandInFault>> = {
  status: "status",
  delay: "delayMs",
  chunkdelay: "chunkDelayMs",
  break: "breakAfter",
  times: "times",
  retryafter: "retryAfterMs",
  hold: "holdAfter",
};

/**
 * Reads `#key=value` directives from a model name, e.g. `gpt-4o#status=429#times=1`,
 * `claude#delay=200`, `gpt-4o#break=3`, `gpt-4o#chunkDelay=20`.
 */
export function faultFromModel(model: string): StandInFault | undefined {
  const parts = model.split("#").slice(1);
  if (parts.length === 0) return undefined;
  const fault: StandInFault = {};
  for (const part of parts) {
    const [key = "", raw = ""] = part.split("=", 2);
    const field = DIRECTIVES[key.trim().toLowerCase()];
    const value = Number(raw);
    if (field !== undefined && raw.trim() !== "" && Number.isFinite(value)) fault[field] = value;
  }
  return Object.keys(fault).length > 0 ? fault : undefined;
}

/** Counts how often each fault source has fired, for `times`. */
export class FaultCounter {
  readonly #fired = new Map<unknown, number>();

  /** True when the fault still applies; counts it as fired. */
  take(key: unknown, fault: StandInFault): boolean {
    if (fault.times === undefined) return true;
    const fired = this.#fired.get(key) ?? 0;
    if (fired >= fault.times) return false;
    this.#fired.set(key, fired + 1);
    return true;
  }
}
