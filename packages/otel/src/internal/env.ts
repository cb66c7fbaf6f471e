import { CalltreeError } from "./core.js";
import { MASK } from "./diagnostics.js";

/** The environment as register() reads it: a plain name → value map (`process.env` in production). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A variable's value, or `undefined` when unset or blank (a blank variable counts as unset, as in OTel). */
export function envString(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** The first of `names` that is set, with its name. */
export function firstEnv(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = envString(env, name);
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

/**
 * The error for a variable with a wrong value. `shown` is the value as the message may quote it: callers pass a
 * masked value (`maskUrl()`, {@link maskKeyValues}) for variables that can hold a secret.
 */
export function invalidEnv(name: string, shown: string, expected: string): CalltreeError {
  return new CalltreeError(
    "INVALID_ENVIRONMENT",
    `register(): environment variable ${name}=${JSON.stringify(shown)} is invalid: ${expected}. ` +
      `Fix or unset ${name}, or pass the option to register() (an option in code beats the environment).`,
  );
}

export function envBoolean(env: Env, name: string): boolean | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === "true" || v === "1" || v === "yes" || v === "on") return true;
  if (v === "false" || v === "0" || v === "no" || v === "off") return false;
  throw invalidEnv(name, value, "expected true or false");
}

function envInteger(env: Env, name: string, min: number): number | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw invalidEnv(name, value, `expected a whole number of at least ${min}`);
  return n;
}

/** First set variable of `names` as an integer (each is validated only if it is the one used). */
export function firstEnvInteger(env: Env, names: readonly string[], min: number): { name: string; value: number } | undefined {
  const hit = firstEnv(env, names);
  if (hit === undefined) return undefined;
  return { name: hit.name, value: envInteger(env, hit.name, min) as number };
}

/** A `key=value,…` list fit to print: keys kept, every value replaced, an item that is not `key=value` replaced whole. */
export function maskKeyValues(value: string): string {
  return value.split(",").map((part) => {
    if (part.trim() === "") return part;
    const eq = part.indexOf("=");
    return eq < 0 ? MASK : `${part.slice(0, eq)}=${MASK}`;
  }).join(",");
}

/**
 * Parses `key=value,key2=value2` (the W3C-baggage-like format of `OTEL_EXPORTER_OTLP_HEADERS`,
 * `OTEL_RESOURCE_ATTRIBUTES` and `PHOENIX_CLIENT_HEADERS`); values are percent-decoded. With `secret` (headers,
 * which carry API keys), an error quotes the keys only, every value masked.
 */
export function envKeyValues(env: Env, name: string, secret = false): Record<string, string> | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const shown = secret ? maskKeyValues(value) : value;
  const masked = secret ? ` (values shown as ${MASK})` : "";
  const out: Record<string, string> = {};
  const parts = value.split(",");
  for (const [i, part] of parts.entries()) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? "" : part.slice(0, eq).trim();
    if (key === "") {
      throw invalidEnv(name, shown, `expected comma-separated key=value pairs, e.g. api_key=abc,x-team=ml; item ${i + 1} of ${parts.length} is not key=value${masked}`);
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw invalidEnv(name, shown, `the value of ${key} is not valid percent-encoding${masked}`);
    }
    out[key] = decoded;
  }
  return out;
}
