// The precedence rule every setting follows (option > environment variable > default), and the record of where each
// resolved setting came from (shown by the debug log and `calltree doctor`).
import { envString } from "../env.js";
import type { Env } from "../env.js";

/** A setting found in the environment: the variable's name (or a description of several) and the parsed value. */
export type FromEnv<T> = { name: string; value: T } | undefined;

/** Resolves settings against one environment and records, per setting, its source. */
export class Resolver {
  /** For each resolved setting: `option`, an environment variable's name, or `default` (with a reason). */
  readonly sources: Record<string, string> = {};

  constructor(readonly env: Env) {}

  /** The option if given, else what `fromEnv` finds, else `fallback`; records which one under `key`. */
  pick<T>(key: string, option: T | undefined, fromEnv: () => FromEnv<T>, fallback: T): T {
    if (option !== undefined) {
      this.sources[key] = "option";
      return option;
    }
    const e = fromEnv();
    if (e !== undefined) {
      this.sources[key] = e.name;
      return e.value;
    }
    this.sources[key] = "default";
    return fallback;
  }

  /** Reads one variable, parsed with `parse`, for {@link pick}. */
  single<T>(name: string, parse: (value: string) => T): () => FromEnv<T> {
    return () => {
      const value = envString(this.env, name);
      return value === undefined ? undefined : { name, value: parse(value) };
    };
  }
}
