// The settings besides the exporter: batching, sampling, span limits, logging, conventions.
import type { BatchOptions, Conventions, LogLevel, RegisterOptions, SpanLimitsOptions } from "../../options.js";
import type { ResolvedConfig, SamplerConfig } from "../config.js";
import { envBoolean, envString, firstEnvInteger, invalidEnv } from "../env.js";
import type { Env } from "../env.js";
import { CONVENTIONS } from "../genai-conventions.js";
import { LOG_LEVELS } from "./checks.js";
import type { FromEnv, Resolver } from "./resolver.js";

const SAMPLERS = [
  "always_on", "always_off", "traceidratio",
  "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
] as const;
const OTEL_LOG_LEVELS = ["NONE", "ERROR", "WARN", "INFO", "DEBUG", "VERBOSE", "ALL"] as const;

// The numeric settings of a group (`batch`, `spanLimits`), each: its environment variables (the first one set
// counts), the least whole number they may hold, and its default.
type NumberSettings<K extends string> = Readonly<Record<K, readonly [env: readonly string[], min: number, fallback: number | undefined]>>;
type PickedNumbers<T extends NumberSettings<string>> = { -readonly [K in keyof T]: T[K][2] extends number ? number : number | undefined };

const BATCH = {
  maxExportBatchSize: [["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"], 1, 512],
  scheduledDelayMillis: [["OTEL_BSP_SCHEDULE_DELAY"], 0, 1_000],
  maxQueueSize: [["OTEL_BSP_MAX_QUEUE_SIZE"], 1, 16_384],
  maxPendingMegabytes: [[], 0, 96],
} as const satisfies NumberSettings<keyof BatchOptions>;

const SPAN_LIMITS = {
  attributeCountLimit: [["OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT"], 1, 10_000],
  attributeValueLengthLimit: [["OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"], 1, undefined],
  eventCountLimit: [["OTEL_SPAN_EVENT_COUNT_LIMIT"], 0, 128],
  linkCountLimit: [["OTEL_SPAN_LINK_COUNT_LIMIT"], 0, 128],
  attributePerEventCountLimit: [["OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT"], 0, 128],
  attributePerLinkCountLimit: [["OTEL_LINK_ATTRIBUTE_COUNT_LIMIT"], 0, 128],
} as const satisfies NumberSettings<keyof SpanLimitsOptions>;

/** Each setting of `group`: its option, else its environment variable, else its default (sources recorded). */
function pickNumbers<T extends NumberSettings<string>>(
  r: Resolver, group: string, given: Partial<Record<keyof T, number>>, settings: T,
): PickedNumbers<T> {
  const picked: Record<string, number | undefined> = {};
  for (const [key, [names, min, fallback]] of Object.entries(settings)) {
    picked[key] = r.pick<number | undefined>(`${group}.${key}`, given[key], () => firstEnvInteger(r.env, names, min), fallback);
  }
  return picked as PickedNumbers<T>;
}

/** The batch span processor's settings (`OTEL_BSP_*`); `enabled: false` exports each span as it ends. */
export function resolveBatch(r: Resolver, options: RegisterOptions): ResolvedConfig["batch"] {
  const batchOption = options.batch;
  const batch = { enabled: batchOption !== false, ...pickNumbers(r, "batch", typeof batchOption === "object" ? batchOption : {}, BATCH) };
  r.sources.batch = batchOption === undefined ? "default" : "option";
  return batch;
}

/** The sampler: `sampleRate` (parent-based), else `OTEL_TRACES_SAMPLER` (+ `_ARG`), else parent-based always-on. */
export function resolveSampler(r: Resolver, options: RegisterOptions): SamplerConfig {
  const env = r.env;
  return r.pick<SamplerConfig>(
    "sampler",
    options.sampleRate === undefined ? undefined : { type: "parentbased_traceidratio", ratio: options.sampleRate },
    () => {
      const type = envChoice(env, "OTEL_TRACES_SAMPLER", SAMPLERS)?.value;
      if (type === undefined) return undefined;
      if (type === "traceidratio" || type === "parentbased_traceidratio") {
        const arg = envString(env, "OTEL_TRACES_SAMPLER_ARG");
        let ratio = 1;
        if (arg !== undefined) {
          ratio = Number(arg);
          if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
            throw invalidEnv("OTEL_TRACES_SAMPLER_ARG", arg, "expected a ratio from 0 to 1");
          }
        }
        return { name: arg === undefined ? "OTEL_TRACES_SAMPLER" : "OTEL_TRACES_SAMPLER + OTEL_TRACES_SAMPLER_ARG", value: { type, ratio } as SamplerConfig };
      }
      return { name: "OTEL_TRACES_SAMPLER", value: { type } as SamplerConfig };
    },
    { type: "parentbased_always_on" },
  );
}

/** Span limits (`OTEL_*_LIMIT`); 10,000 attributes by default so long chats keep their token counts. */
export function resolveSpanLimits(r: Resolver, options: RegisterOptions): ResolvedConfig["spanLimits"] {
  return pickNumbers(r, "spanLimits", options.spanLimits ?? {}, SPAN_LIMITS);
}

/** `name` when set: one of `choices`, in any case; anything else fails naming them. */
function envChoice<T extends string>(env: Env, name: string, choices: readonly T[], toCase: (v: string) => string = (v) => v.toLowerCase()): FromEnv<T> {
  const v = envString(env, name);
  if (v === undefined) return undefined;
  const value = toCase(v);
  if ((choices as readonly string[]).includes(value)) return { name, value: value as T };
  throw invalidEnv(name, v, `expected one of ${choices.join(", ")}`);
}

/**
 * calltree's own log level (`logLevel`, `CALLTREE_LOG_LEVEL`), and the OpenTelemetry `diag` level to install a
 * console logger at: `OTEL_LOG_LEVEL` when set, else `DEBUG` when calltree's level is `debug`.
 */
export function resolveLogging(r: Resolver, options: RegisterOptions): { logLevel: LogLevel; diagLogLevel: string | undefined } {
  const env = r.env;
  const logLevel = r.pick<LogLevel>("logLevel", options.logLevel, () => envChoice(env, "CALLTREE_LOG_LEVEL", LOG_LEVELS), "info");
  const otelLogLevel = envChoice(env, "OTEL_LOG_LEVEL", OTEL_LOG_LEVELS, (v) => v.toUpperCase());
  const diagLogLevel = otelLogLevel?.value ?? (logLevel === "debug" ? "DEBUG" : undefined);
  return { logLevel, diagLogLevel };
}

/** The attribute conventions (`conventions`, `CALLTREE_CONVENTIONS`): OpenInference, optionally with GenAI too. */
export function resolveConventions(r: Resolver, options: RegisterOptions): Conventions {
  return r.pick<Conventions>("conventions", options.conventions, () => envChoice(r.env, "CALLTREE_CONVENTIONS", CONVENTIONS), "openinference");
}

/** Whether to register the OpenInference instrumentations installed in the app (`CALLTREE_AUTO_INSTRUMENT`). */
export function resolveAutoInstrument(r: Resolver, options: RegisterOptions): boolean {
  return r.pick("autoInstrument", options.autoInstrument, () => {
    const v = envBoolean(r.env, "CALLTREE_AUTO_INSTRUMENT");
    return v === undefined ? undefined : { name: "CALLTREE_AUTO_INSTRUMENT", value: v };
  }, false);
}
