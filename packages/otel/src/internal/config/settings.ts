// The settings besides the exporter: batching, sampling, span limits, logging, conventions.
import type { Conventions, LogLevel, RegisterOptions } from "../../options.js";
import type { ResolvedConfig, SamplerConfig } from "../config.js";
import { envBoolean, envString, firstEnvInteger, invalidEnv } from "../env.js";
import { CONVENTIONS } from "../genai-conventions.js";
import type { Resolver } from "./resolver.js";

const SAMPLERS = [
  "always_on", "always_off", "traceidratio",
  "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
] as const;
const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
const OTEL_LOG_LEVELS = ["NONE", "ERROR", "WARN", "INFO", "DEBUG", "VERBOSE", "ALL"] as const;

/** The batch span processor's settings (`OTEL_BSP_*`); `enabled: false` exports each span as it ends. */
export function resolveBatch(r: Resolver, options: RegisterOptions): ResolvedConfig["batch"] {
  const env = r.env;
  const batchOption = options.batch;
  const batchObject = typeof batchOption === "object" ? batchOption : {};
  const batch = {
    enabled: batchOption !== false,
    maxExportBatchSize: r.pick("batch.maxExportBatchSize", batchObject.maxExportBatchSize,
      () => firstEnvInteger(env, ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"], 1), 512),
    scheduledDelayMillis: r.pick("batch.scheduledDelayMillis", batchObject.scheduledDelayMillis,
      () => firstEnvInteger(env, ["OTEL_BSP_SCHEDULE_DELAY"], 0), 1_000),
    maxQueueSize: r.pick("batch.maxQueueSize", batchObject.maxQueueSize,
      () => firstEnvInteger(env, ["OTEL_BSP_MAX_QUEUE_SIZE"], 1), 16_384),
    maxPendingMegabytes: r.pick("batch.maxPendingMegabytes", batchObject.maxPendingMegabytes, () => undefined, 96),
  };
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
      const name = envString(env, "OTEL_TRACES_SAMPLER");
      if (name === undefined) return undefined;
      const type = name.toLowerCase();
      if (!(SAMPLERS as readonly string[]).includes(type)) {
        throw invalidEnv("OTEL_TRACES_SAMPLER", name, `expected one of ${SAMPLERS.join(", ")}`);
      }
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
  const env = r.env;
  const limits = options.spanLimits ?? {};
  return {
    attributeCountLimit: r.pick("spanLimits.attributeCountLimit", limits.attributeCountLimit,
      () => firstEnvInteger(env, ["OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT"], 1), 10_000),
    attributeValueLengthLimit: r.pick<number | undefined>("spanLimits.attributeValueLengthLimit", limits.attributeValueLengthLimit,
      () => firstEnvInteger(env, ["OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"], 1), undefined),
    eventCountLimit: r.pick("spanLimits.eventCountLimit", limits.eventCountLimit,
      () => firstEnvInteger(env, ["OTEL_SPAN_EVENT_COUNT_LIMIT"], 0), 128),
    linkCountLimit: r.pick("spanLimits.linkCountLimit", limits.linkCountLimit,
      () => firstEnvInteger(env, ["OTEL_SPAN_LINK_COUNT_LIMIT"], 0), 128),
    attributePerEventCountLimit: r.pick("spanLimits.attributePerEventCountLimit", limits.attributePerEventCountLimit,
      () => firstEnvInteger(env, ["OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT"], 0), 128),
    attributePerLinkCountLimit: r.pick("spanLimits.attributePerLinkCountLimit", limits.attributePerLinkCountLimit,
      () => firstEnvInteger(env, ["OTEL_LINK_ATTRIBUTE_COUNT_LIMIT"], 0), 128),
  };
}

/**
 * calltree's own log level (`logLevel`, `CALLTREE_LOG_LEVEL`), and the OpenTelemetry `diag` level to install a
 * console logger at: `OTEL_LOG_LEVEL` when set, else `DEBUG` when calltree's level is `debug`.
 */
export function resolveLogging(r: Resolver, options: RegisterOptions): { logLevel: LogLevel; diagLogLevel: string | undefined } {
  const env = r.env;
  const logLevel = r.pick<LogLevel>("logLevel", options.logLevel, () => {
    const v = envString(env, "CALLTREE_LOG_LEVEL");
    if (v === undefined) return undefined;
    const value = v.toLowerCase();
    if ((LOG_LEVELS as readonly string[]).includes(value)) return { name: "CALLTREE_LOG_LEVEL", value: value as LogLevel };
    throw invalidEnv("CALLTREE_LOG_LEVEL", v, `expected one of ${LOG_LEVELS.join(", ")}`);
  }, "info");

  let diagLogLevel: string | undefined;
  const otelLogLevel = envString(env, "OTEL_LOG_LEVEL");
  if (otelLogLevel !== undefined) {
    const value = otelLogLevel.toUpperCase();
    if (!(OTEL_LOG_LEVELS as readonly string[]).includes(value)) {
      throw invalidEnv("OTEL_LOG_LEVEL", otelLogLevel, `expected one of ${OTEL_LOG_LEVELS.join(", ")}`);
    }
    diagLogLevel = value;
  } else if (logLevel === "debug") {
    diagLogLevel = "DEBUG";
  }
  return { logLevel, diagLogLevel };
}

/** The attribute conventions (`conventions`, `CALLTREE_CONVENTIONS`): OpenInference, optionally with GenAI too. */
export function resolveConventions(r: Resolver, options: RegisterOptions): Conventions {
  const env = r.env;
  return r.pick<Conventions>("conventions", options.conventions, () => {
    const v = envString(env, "CALLTREE_CONVENTIONS");
    if (v === undefined) return undefined;
    const value = v.toLowerCase();
    if ((CONVENTIONS as readonly string[]).includes(value)) return { name: "CALLTREE_CONVENTIONS", value: value as Conventions };
    throw invalidEnv("CALLTREE_CONVENTIONS", v, `expected one of ${CONVENTIONS.join(", ")}`);
  }, "openinference");
}

/** Whether to register the OpenInference instrumentations installed in the app (`CALLTREE_AUTO_INSTRUMENT`). */
export function resolveAutoInstrument(r: Resolver, options: RegisterOptions): boolean {
  return r.pick("autoInstrument", options.autoInstrument, () => {
    const v = envBoolean(r.env, "CALLTREE_AUTO_INSTRUMENT");
    return v === undefined ? undefined : { name: "CALLTREE_AUTO_INSTRUMENT", value: v };
  }, false);
}
