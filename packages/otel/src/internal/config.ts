// register()'s configuration: validated options, the environment and the defaults, resolved into one
// ResolvedConfig. One concern per file under ./config/: the options schema (schema.ts), the precedence rule and
// source record (resolver.ts), endpoint and exporter (exporter.ts, endpoint.ts, headers.ts), the other settings
// (settings.ts).
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { Attributes } from "@opentelemetry/api";
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type {
  BatchOptions,
  Conventions,
  InstrumentationLike,
  LogLevel,
  ModelPrice,
  AsyncLocalStorageClass,
  OtlpProtocol,
  OtlpTransportName,
  RegisterOptions,
} from "../options.js";
import type { CaptureOptions } from "./core.js";
import { envBoolean, envKeyValues, envString } from "./env.js";
import type { Env } from "./env.js";
import { resolveEndpoint, resolveExporter } from "./config/exporter.js";
import { Resolver } from "./config/resolver.js";
import {
  resolveAutoInstrument,
  resolveBatch,
  resolveConventions,
  resolveLogging,
  resolveSampler,
  resolveSpanLimits,
} from "./config/settings.js";

export { tracesUrl } from "./config/endpoint.js";
export { validateOptions } from "./config/schema.js";

export type SamplerConfig =
  | { type: "always_on" | "always_off" | "parentbased_always_on" | "parentbased_always_off" }
  | { type: "traceidratio" | "parentbased_traceidratio"; ratio: number };

export type ExporterConfig =
  | {
      kind: "otlp";
      url: string;
      protocol: OtlpProtocol;
      /** Lower-cased header names. */
      headers: Record<string, string>;
      compression: "gzip" | "none";
      timeoutMillis: number;
      /** TLS material read from `OTEL_EXPORTER_OTLP_*CERTIFICATE` / `*CLIENT_KEY` variables. */
      tls: { ca?: Buffer; cert?: Buffer; key?: Buffer };
      /** The `transport` option; undefined: the runtime's default (register() decides). */
      transport: OtlpTransportName | undefined;
    }
  | { kind: "console"; color: boolean | undefined }
  | { kind: "file"; path: string }
  | { kind: "memory" }
  | { kind: "none" }
  | { kind: "custom"; exporter: SpanExporter };

/** register()'s options after validation, environment and defaults: everything register() acts on. */
export interface ResolvedConfig {
  enabled: boolean;
  projectName: string;
  serviceName: string | undefined;
  resourceAttributes: Attributes;
  exporter: ExporterConfig;
  batch: Required<BatchOptions> & { enabled: boolean };
  global: boolean;
  instrumentations: InstrumentationLike[];
  autoInstrument: boolean;
  sampler: SamplerConfig;
  spanLimits: {
    attributeCountLimit: number;
    attributeValueLengthLimit: number | undefined;
    eventCountLimit: number;
    linkCountLimit: number;
    attributePerEventCountLimit: number;
    attributePerLinkCountLimit: number;
  };
  capture: CaptureOptions | undefined;
  prices: Record<string, ModelPrice> | undefined;
  flushOnExit: boolean;
  flushTimeoutMillis: number;
  asyncLocalStorage: AsyncLocalStorageClass | undefined;
  logLevel: LogLevel;
  conventions: Conventions;
  /** `OTEL_LOG_LEVEL`, when set: a console `diag` logger is installed at this level. */
  diagLogLevel: string | undefined;
  spanProcessors: SpanProcessor[];
  /** For each resolved setting, where it came from: the option name, an environment variable, or `default`. */
  sources: Record<string, string>;
}

/**
 * Combines validated options, the environment and the defaults. Pure apart from reading TLS files named by the
 * environment (`readFile`), so the precedence rules are testable with any `env`.
 */
export function resolveConfig(
  options: RegisterOptions,
  env: Env,
  readFile: (path: string) => Buffer = () => Buffer.alloc(0),
): ResolvedConfig {
  const r = new Resolver(env);
  const sources = r.sources;

  const enabled = r.pick("enabled", options.enabled, () => {
    const disabled = envBoolean(env, "OTEL_SDK_DISABLED");
    return disabled === undefined ? undefined : { name: "OTEL_SDK_DISABLED", value: !disabled };
  }, true);

  const projectName = r.pick("projectName", options.projectName, r.single("PHOENIX_PROJECT_NAME", (v) => v), "default");

  const resourceFromEnv = envKeyValues(env, "OTEL_RESOURCE_ATTRIBUTES") ?? {};
  const serviceName = r.pick<string | undefined>(
    "serviceName",
    options.serviceName,
    () => {
      const v = envString(env, "OTEL_SERVICE_NAME");
      if (v !== undefined) return { name: "OTEL_SERVICE_NAME", value: v };
      const fromResource = resourceFromEnv[ATTR_SERVICE_NAME];
      if (fromResource !== undefined) return { name: "OTEL_RESOURCE_ATTRIBUTES", value: fromResource };
      return sources.projectName !== "default" ? { name: `projectName (${sources.projectName})`, value: projectName } : undefined;
    },
    undefined,
  );

  const exporter = resolveExporter(r, options, resolveEndpoint(r, options), readFile);
  const batch = resolveBatch(r, options);
  const sampler = resolveSampler(r, options);
  const spanLimits = resolveSpanLimits(r, options);
  const { logLevel, diagLogLevel } = resolveLogging(r, options);
  const conventions = resolveConventions(r, options);
  const autoInstrument = resolveAutoInstrument(r, options);
  const resourceAttributes: Attributes = { ...resourceFromEnv, ...(options.resourceAttributes ?? {}) };

  return {
    enabled,
    projectName,
    serviceName,
    resourceAttributes,
    exporter,
    batch,
    global: r.pick("global", options.global, () => undefined, true),
    instrumentations: options.instrumentations ?? [],
    autoInstrument,
    sampler,
    spanLimits,
    capture: options.capture,
    prices: options.prices,
    flushOnExit: r.pick("flushOnExit", options.flushOnExit, () => undefined, true),
    flushTimeoutMillis: r.pick("flushTimeoutMillis", options.flushTimeoutMillis, () => undefined, 5_000),
    asyncLocalStorage: options.asyncLocalStorage,
    logLevel,
    conventions,
    diagLogLevel,
    spanProcessors: options.spanProcessors ?? [],
    sources,
  };
}
