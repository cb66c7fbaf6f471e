import { CalltreeError } from "./core.js";

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

export function invalidEnv(name: string, value: string, expected: string): CalltreeError {
  return new CalltreeError(
    "INVALID_ENVIRONMENT",
    `register(): environment variable ${name}=${JSON.stringify(value)} is invalid: ${expected}. ` +
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

export function envInteger(env: Env, name: string, min: number): number | undefined {
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

/**
 * Parses `key=value,key2=value2` (the W3C-baggage-like format of `OTEL_EXPORTER_OTLP_HEADERS`,
 * `OTEL_RESOURCE_ATTRIBUTES` and `PHOENIX_CLIENT_HEADERS`); values are percent-decoded.
 */
export function envKeyValues(env: Env, name: string): Record<string, string> | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const part of value.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? "" : part.slice(0, eq).trim();
    if (key === "") throw invalidEnv(name, value, "expected comma-separated key=value pairs, e.g. api_key=abc,x-team=ml");
    let decoded: string;
    try {
      decoded = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw invalidEnv(name, value, `the value of ${key} is not valid percent-encoding`);
    }
    out[key] = decoded;
  }
  return out;
}
