import type { Attributes } from "@opentelemetry/api";
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import type {
  BatchOptions,
  ExporterChoice,
  InstrumentationLike,
  Conventions,
  LogLevel,
  ModelPrice,
  AsyncLocalStorageClass,
  OtlpProtocol,
  OtlpTransportName,
  RegisterOptions,
} from "../options.js";
import { CalltreeError } from "./core.js";
import { CONVENTIONS } from "./genai-conventions.js";
import type { CaptureOptions } from "./core.js";
import {
  envBoolean,
  envInteger,
  envKeyValues,
  envString,
  firstEnv,
  firstEnvInteger,
  invalidEnv,
  maskKeyValues,
} from "./env.js";
import type { Env } from "./env.js";
import { MASK, maskUrl } from "./diagnostics.js";

/** Phoenix's default OTLP/HTTP address: used when the exporter is `otlp` and no endpoint is configured. */
export const DEFAULT_ENDPOINT = "http://localhost:6006/v1/traces";
export const DEFAULT_FILE = "traces.jsonl";

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

// ---- validation of the options object --------------------------------------------------------------------------

const positiveInt = (what: string) =>
  z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).positive(`${what} must be greater than 0`);

const isExporter = (v: unknown): v is SpanExporter =>
  typeof v === "object" && v !== null && typeof (v as SpanExporter).export === "function" &&
  typeof (v as SpanExporter).shutdown === "function";

const exporterSchema = z.union([
  z.enum(["otlp", "console", "file", "memory", "none"]),
  z.custom<SpanExporter>(isExporter),
], {
  error: 'must be "otlp", "console", "file", "memory", "none" or an OpenTelemetry SpanExporter (an object with export() and shutdown())',
});

const spanProcessorSchema = z.custom<SpanProcessor>(
  (v) => typeof v === "object" && v !== null && typeof (v as SpanProcessor).onEnd === "function" &&
    typeof (v as SpanProcessor).onStart === "function" && typeof (v as SpanProcessor).shutdown === "function" &&
    typeof (v as SpanProcessor).forceFlush === "function",
  { error: "must be an OpenTelemetry SpanProcessor (onStart, onEnd, forceFlush, shutdown)" },
);

const instrumentationSchema = z.custom<InstrumentationLike>(
  (v) => typeof v === "object" && v !== null && typeof (v as InstrumentationLike).setTracerProvider === "function" &&
    typeof (v as InstrumentationLike).enable === "function" && typeof (v as InstrumentationLike).disable === "function",
  { error: "must be an OpenTelemetry instrumentation (setTracerProvider, enable, disable), e.g. new OpenAIInstrumentation()" },
);

const priceSchema = z.strictObject({
  prompt: z.number().nonnegative(),
  completion: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
  promptAudio: z.number().nonnegative().optional(),
  reasoning: z.number().nonnegative().optional(),
  completionAudio: z.number().nonnegative().optional(),
});

const attributeValue = z.union([
  z.string(), z.number(), z.boolean(),
  z.array(z.string()), z.array(z.number()), z.array(z.boolean()),
]);

const optionsSchema = z.strictObject({
  projectName: z.string().trim().min(1, "projectName must not be empty").optional(),
  serviceName: z.string().trim().min(1, "serviceName must not be empty").optional(),
  resourceAttributes: z.record(z.string(), attributeValue).optional(),
  endpoint: z.string({ error: "endpoint must be a URL string such as http://localhost:6006" }).optional(),
  apiKey: z.string().trim().min(1, "apiKey must not be empty; leave it out to send no key").optional(),
  headers: z.record(z.string().min(1), z.string({ error: "header values must be strings" })).optional(),
  protocol: z.enum(["http/protobuf", "http/json"], {
    error: (issue) => issue.input === "grpc"
      ? 'calltree sends OTLP over HTTP only: use "http/protobuf" (Phoenix serves it on port 6006, a collector on 4318)'
      : 'must be "http/protobuf" (Phoenix accepts only this) or "http/json"',
  }).optional(),
  compression: z.enum(["gzip", "none"], { error: 'must be "gzip" or "none"' }).optional(),
  exportTimeoutMillis: positiveInt("exportTimeoutMillis").optional(),
  transport: z.enum(["node", "fetch"], { error: 'must be "node" (node:http) or "fetch"' }).optional(),
  asyncLocalStorage: z.custom<AsyncLocalStorageClass>(
    (v) => typeof v === "function" && typeof (v as { prototype?: { run?: unknown } }).prototype?.run === "function",
    { error: 'must be the AsyncLocalStorage class: import { AsyncLocalStorage } from "node:async_hooks"' },
  ).optional(),
  exporter: exporterSchema.optional(),
  file: z.string().trim().min(1, "file must be a path such as traces.jsonl").optional(),
  color: z.boolean().optional(),
  batch: z.union([
    z.boolean(),
    z.strictObject({
      maxExportBatchSize: positiveInt("batch.maxExportBatchSize").optional(),
      scheduledDelayMillis: z.number().int().nonnegative("batch.scheduledDelayMillis must be 0 or more").optional(),
      maxQueueSize: positiveInt("batch.maxQueueSize").optional(),
      maxPendingMegabytes: z.number().positive("batch.maxPendingMegabytes must be greater than 0").optional(),
    }),
  ], { error: "must be true, false or { maxExportBatchSize, scheduledDelayMillis, maxQueueSize, maxPendingMegabytes }" }).optional(),
  global: z.boolean().optional(),
  instrumentations: z.array(instrumentationSchema).optional(),
  autoInstrument: z.boolean().optional(),
  sampleRate: z.number({ error: "sampleRate must be a number from 0 to 1" })
    .min(0, "sampleRate must be from 0 (record nothing) to 1 (record everything)")
    .max(1, "sampleRate must be from 0 (record nothing) to 1 (record everything)").optional(),
  spanLimits: z.strictObject({
    attributeCountLimit: positiveInt("spanLimits.attributeCountLimit").optional(),
    attributeValueLengthLimit: positiveInt("spanLimits.attributeValueLengthLimit").optional(),
    eventCountLimit: z.number().int().nonnegative().optional(),
    linkCountLimit: z.number().int().nonnegative().optional(),
    attributePerEventCountLimit: z.number().int().nonnegative().optional(),
    attributePerLinkCountLimit: z.number().int().nonnegative().optional(),
  }).optional(),
  // Validated in depth by configureCapture(), which throws its own CalltreeError.
  capture: z.record(z.string(), z.unknown()).optional(),
  prices: z.record(z.string().trim().min(1, "a model id must not be empty"), priceSchema).optional(),
  flushOnExit: z.boolean().optional(),
  flushTimeoutMillis: positiveInt("flushTimeoutMillis").optional(),
  logLevel: z.enum(["silent", "error", "warn", "info", "debug"], {
    error: 'must be "silent", "error", "warn", "info" or "debug"',
  }).optional(),
  spanProcessors: z.array(spanProcessorSchema).optional(),
  conventions: z.enum(CONVENTIONS, { error: `must be ${CONVENTIONS.map((c) => `"${c}"`).join(", ")}` }).optional(),
  enabled: z.boolean().optional(),
});

const OPTION_NAMES = Object.keys(optionsSchema.shape);

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
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    const problems = result.error.issues.map(describeIssue);
    throw new CalltreeError(
      "INVALID_OPTIONS",
      `register(): ${problems.join("; ")}. See docs/configuration.md for every option.`,
    );
  }
  return options as RegisterOptions;
}

// ---- environment and defaults ----------------------------------------------------------------------------------

/**
 * Turns a configured endpoint into the URL spans are POSTed to: a base URL gets `/v1/traces` appended, a URL that
 * already ends in `/v1/traces` is kept.
 */
export function tracesUrl(endpoint: string, fail: (expected: string) => Error): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw fail("expected an http(s) URL such as http://localhost:6006");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw fail(`expected an http:// or https:// URL (calltree sends OTLP over HTTP), got ${url.protocol}//`);
  }
  const path = url.pathname.replace(/\/+$/, "");
  if (!path.endsWith("/v1/traces")) url.pathname = `${path}/v1/traces`;
  return url.toString();
}

function optionError(option: string, expected: string): CalltreeError {
  return new CalltreeError("INVALID_OPTIONS", `register(): \`${option}\` is invalid: ${expected}.`);
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const [k, v] of Object.entries(headers)) out[k.trim().toLowerCase()] = v;
  return out;
}

/** The characters of an HTTP header name (RFC 9110 `token`). */
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

function describeChar(c: string): string {
  if (c === " ") return "a space";
  if (c === "\r" || c === "\n") return "a line break";
  if (c === "\t") return "a tab";
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return "a control character";
  if (code > 0x7e) return "a non-ASCII character";
  return JSON.stringify(c);
}

/**
 * What makes `value` unsendable as an HTTP header value (a line break, a control or non-ASCII character), or
 * `undefined`. Node's HTTP client refuses line breaks and control characters; non-ASCII text would reach the server
 * re-encoded, so it is refused too.
 */
/** A header list fit to print: every value masked, and a name HTTP would refuse masked too (it may hold a pasted key). */
function maskHeaderList(value: string): string {
  return maskKeyValues(value).split(",").map((part) => {
    const eq = part.indexOf("=");
    if (eq < 0) return part;
    const name = part.slice(0, eq).trim();
    return name === "" || [...name].every((c) => TOKEN_CHAR.test(c)) ? part : `${MASK}=${MASK}`;
  }).join(",");
}

function headerValueProblem(value: string): string | undefined {
  const bad = /[^\t\x20-\x7e]/.exec(value);
  return bad === null ? undefined : describeChar(bad[0]);
}

/**
 * Throws `fail(problem)` for the first header HTTP would refuse. The problem never quotes a value (values are
 * secrets), and quotes a name only up to its first bad character (a name can be a pasted `Authorization: Bearer …`).
 */
function checkHeaders(headers: Record<string, string>, fail: (problem: string) => Error): void {
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.trim();
    const at = [...name].findIndex((c) => !TOKEN_CHAR.test(c));
    if (name === "") throw fail("a header has an empty name");
    if (at >= 0) {
      const shown = [...name].slice(0, at).join("");
      throw fail(
        `the header name ${shown === "" ? "" : `starting ${JSON.stringify(shown)} `}contains ${describeChar([...name][at] as string)}, which ` +
          "HTTP does not allow in a name (one word of letters, digits and !#$%&'*+-.^_`|~, e.g. x-api-key)",
      );
    }
    const problem = headerValueProblem(value);
    if (problem !== undefined) {
      throw fail(`the value of header "${name.toLowerCase()}" contains ${problem}, which HTTP does not allow (the value is not shown)`);
    }
  }
}

const PROTOCOLS = ["http/protobuf", "http/json"] as const;
const SAMPLERS = [
  "always_on", "always_off", "traceidratio",
  "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
] as const;
const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
const OTEL_LOG_LEVELS = ["NONE", "ERROR", "WARN", "INFO", "DEBUG", "VERBOSE", "ALL"] as const;

function readTls(env: Env, kind: "CERTIFICATE" | "CLIENT_CERTIFICATE" | "CLIENT_KEY", read: (p: string) => Buffer): Buffer | undefined {
  const hit = firstEnv(env, [`OTEL_EXPORTER_OTLP_TRACES_${kind}`, `OTEL_EXPORTER_OTLP_${kind}`]);
  if (hit === undefined) return undefined;
  try {
    return read(hit.value);
  } catch (error) {
    throw invalidEnv(hit.name, hit.value, `the file cannot be read (${(error as Error).message})`);
  }
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
  const sources: Record<string, string> = {};
  const pick = <T>(key: string, option: T | undefined, fromEnv: () => { name: string; value: T } | undefined, fallback: T): T => {
    if (option !== undefined) {
      sources[key] = "option";
      return option;
    }
    const e = fromEnv();
    if (e !== undefined) {
      sources[key] = e.name;
      return e.value;
    }
    sources[key] = "default";
    return fallback;
  };
  const single = <T>(name: string, parse: (value: string) => T) => () => {
    const value = envString(env, name);
    return value === undefined ? undefined : { name, value: parse(value) };
  };

  const enabled = pick("enabled", options.enabled, () => {
    const disabled = envBoolean(env, "OTEL_SDK_DISABLED");
    return disabled === undefined ? undefined : { name: "OTEL_SDK_DISABLED", value: !disabled };
  }, true);

  const projectName = pick("projectName", options.projectName, single("PHOENIX_PROJECT_NAME", (v) => v), "default");

  const resourceFromEnv = envKeyValues(env, "OTEL_RESOURCE_ATTRIBUTES") ?? {};
  const serviceName = pick<string | undefined>(
    "serviceName",
    options.serviceName,
    () => {
      const v = envString(env, "OTEL_SERVICE_NAME");
      if (v !== undefined) return { name: "OTEL_SERVICE_NAME", value: v };
      const fromResource = resourceFromEnv["service.name"];
      if (fromResource !== undefined) return { name: "OTEL_RESOURCE_ATTRIBUTES", value: fromResource };
      return sources.projectName !== "default" ? { name: `projectName (${sources.projectName})`, value: projectName } : undefined;
    },
    undefined,
  );

  // Endpoint: the first configured source wins; each kind of source has its own URL rule.
  let endpointSource: string | undefined;
  let url: string | undefined;
  const endpointOption = options.endpoint;
  if (endpointOption !== undefined) {
    // The endpoint is quoted masked: a URL can carry a password or a key.
    url = tracesUrl(endpointOption, (expected) => optionError("endpoint", `${JSON.stringify(maskUrl(endpointOption))}: ${expected}`));
    endpointSource = "option";
  } else {
    const phoenix = envString(env, "PHOENIX_COLLECTOR_ENDPOINT");
    const specific = envString(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    const generic = envString(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
    if (phoenix !== undefined) {
      url = tracesUrl(phoenix, (expected) => invalidEnv("PHOENIX_COLLECTOR_ENDPOINT", maskUrl(phoenix), expected));
      endpointSource = "PHOENIX_COLLECTOR_ENDPOINT";
    } else if (specific !== undefined) {
      // The OTLP spec uses the signal-specific endpoint exactly as given.
      try {
        const u = new URL(specific);
        if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
        url = u.toString();
      } catch {
        throw invalidEnv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", maskUrl(specific), "expected a full http(s) URL such as http://localhost:4318/v1/traces");
      }
      endpointSource = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    } else if (generic !== undefined) {
      url = tracesUrl(generic, (expected) => invalidEnv("OTEL_EXPORTER_OTLP_ENDPOINT", maskUrl(generic), expected));
      endpointSource = "OTEL_EXPORTER_OTLP_ENDPOINT";
    }
  }
  sources.endpoint = endpointSource ?? "default";

  const exporterChoice = pick<ExporterChoice | undefined>(
    "exporter",
    options.exporter ?? (options.file !== undefined ? "file" : options.endpoint !== undefined ? "otlp" : undefined),
    () => {
      const v = envString(env, "OTEL_TRACES_EXPORTER");
      if (v === undefined) return undefined;
      const value = v.toLowerCase();
      if (value === "otlp" || value === "console" || value === "none" || value === "file" || value === "memory") {
        return { name: "OTEL_TRACES_EXPORTER", value };
      }
      throw invalidEnv("OTEL_TRACES_EXPORTER", v, "calltree supports otlp, console, file, memory or none");
    },
    undefined,
  );
  const exporterKind = exporterChoice ?? (url !== undefined ? "otlp" : "console");
  if (exporterChoice === undefined) sources.exporter = url !== undefined ? `default (endpoint from ${endpointSource})` : "default (no endpoint)";

  let exporter: ExporterConfig;
  if (typeof exporterKind === "object") {
    exporter = { kind: "custom", exporter: exporterKind };
  } else if (exporterKind === "otlp") {
    const protocol = pick<OtlpProtocol>("protocol", options.protocol, () => {
      const hit = firstEnv(env, ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]);
      if (hit === undefined) return undefined;
      if ((PROTOCOLS as readonly string[]).includes(hit.value)) return { name: hit.name, value: hit.value as OtlpProtocol };
      throw invalidEnv(hit.name, hit.value, hit.value === "grpc"
        ? "calltree sends OTLP over HTTP only; use http/protobuf (Phoenix: port 6006, a collector: port 4318)"
        : "expected http/protobuf or http/json");
    }, "http/protobuf");
    const compression = pick<"gzip" | "none">("compression", options.compression, () => {
      const hit = firstEnv(env, ["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"]);
      if (hit === undefined) return undefined;
      if (hit.value === "gzip" || hit.value === "none") return { name: hit.name, value: hit.value };
      throw invalidEnv(hit.name, hit.value, "expected gzip or none");
    }, "none");
    const timeoutMillis = pick("exportTimeoutMillis", options.exportTimeoutMillis,
      () => firstEnvInteger(env, ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"], 1), 10_000);

    // Headers, lowest precedence first; names compare case-insensitively, so they are lower-cased. Their values are
    // secrets (API keys): an error shows the names only.
    // Each source is checked before merging, so an error names where the bad header came from: HTTP refuses it,
    // and every export would fail.
    const fromEnv = (name: string): Record<string, string> => {
      const parsed = envKeyValues(env, name, true);
      if (parsed !== undefined) {
        checkHeaders(parsed, (problem) => invalidEnv(name, maskHeaderList(envString(env, name) ?? ""), problem));
      }
      return lowerKeys(parsed);
    };
    const headers: Record<string, string> = {
      ...fromEnv("OTEL_EXPORTER_OTLP_HEADERS"),
      ...fromEnv("OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
      ...fromEnv("PHOENIX_CLIENT_HEADERS"),
    };
    const apiKey = pick<string | undefined>("apiKey", options.apiKey, single("PHOENIX_API_KEY", (v) => v), undefined);
    if (apiKey !== undefined) {
      const problem = headerValueProblem(apiKey);
      if (problem !== undefined) {
        const where = sources.apiKey === "option" ? "`apiKey`" : `environment variable ${sources.apiKey}`;
        throw new CalltreeError(
          sources.apiKey === "option" ? "INVALID_OPTIONS" : "INVALID_ENVIRONMENT",
          `register(): the API key in ${where} contains ${problem}, which an HTTP header cannot carry (the key is not ` +
            "shown). Pass the key exactly as issued: a line break usually comes from reading a key file with its " +
            "trailing newline (trim it).",
        );
      }
      headers.authorization = `Bearer ${apiKey}`;
    }
    if (options.headers !== undefined) {
      checkHeaders(options.headers, (problem) => optionError("headers", `${problem}. Fix it in register({ headers })`));
    }
    Object.assign(headers, lowerKeys(options.headers));
    sources.headers = [
      envString(env, "OTEL_EXPORTER_OTLP_HEADERS") !== undefined ? "OTEL_EXPORTER_OTLP_HEADERS" : "",
      envString(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS") !== undefined ? "OTEL_EXPORTER_OTLP_TRACES_HEADERS" : "",
      envString(env, "PHOENIX_CLIENT_HEADERS") !== undefined ? "PHOENIX_CLIENT_HEADERS" : "",
      options.headers !== undefined ? "option" : "",
    ].filter(Boolean).join(" < ") || "default";

    const tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
    const ca = readTls(env, "CERTIFICATE", readFile);
    const cert = readTls(env, "CLIENT_CERTIFICATE", readFile);
    const key = readTls(env, "CLIENT_KEY", readFile);
    if (ca) tls.ca = ca;
    if (cert) tls.cert = cert;
    if (key) tls.key = key;

    exporter = { kind: "otlp", url: url ?? DEFAULT_ENDPOINT, protocol, headers, compression, timeoutMillis, tls, transport: options.transport };
  } else if (exporterKind === "file") {
    const path = pick("file", options.file, single("CALLTREE_FILE", (v) => v), DEFAULT_FILE);
    exporter = { kind: "file", path };
  } else if (exporterKind === "console") {
    exporter = { kind: "console", color: options.color };
  } else {
    exporter = { kind: exporterKind };
  }

  const batchOption = options.batch;
  const batchObject = typeof batchOption === "object" ? batchOption : {};
  const batch = {
    enabled: batchOption !== false,
    maxExportBatchSize: pick("batch.maxExportBatchSize", batchObject.maxExportBatchSize,
      () => firstEnvInteger(env, ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"], 1), 512),
    scheduledDelayMillis: pick("batch.scheduledDelayMillis", batchObject.scheduledDelayMillis,
      () => firstEnvInteger(env, ["OTEL_BSP_SCHEDULE_DELAY"], 0), 1_000),
    maxQueueSize: pick("batch.maxQueueSize", batchObject.maxQueueSize,
      () => firstEnvInteger(env, ["OTEL_BSP_MAX_QUEUE_SIZE"], 1), 16_384),
    maxPendingMegabytes: pick("batch.maxPendingMegabytes", batchObject.maxPendingMegabytes, () => undefined, 96),
  };
  sources.batch = batchOption === undefined ? "default" : "option";

  const sampler = pick<SamplerConfig>(
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

  const limits = options.spanLimits ?? {};
  const spanLimits = {
    attributeCountLimit: pick("spanLimits.attributeCountLimit", limits.attributeCountLimit,
      () => firstEnvInteger(env, ["OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT"], 1), 10_000),
    attributeValueLengthLimit: pick<number | undefined>("spanLimits.attributeValueLengthLimit", limits.attributeValueLengthLimit,
      () => firstEnvInteger(env, ["OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"], 1), undefined),
    eventCountLimit: pick("spanLimits.eventCountLimit", limits.eventCountLimit,
      () => firstEnvInteger(env, ["OTEL_SPAN_EVENT_COUNT_LIMIT"], 0), 128),
    linkCountLimit: pick("spanLimits.linkCountLimit", limits.linkCountLimit,
      () => firstEnvInteger(env, ["OTEL_SPAN_LINK_COUNT_LIMIT"], 0), 128),
    attributePerEventCountLimit: pick("spanLimits.attributePerEventCountLimit", limits.attributePerEventCountLimit,
      () => firstEnvInteger(env, ["OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT"], 0), 128),
    attributePerLinkCountLimit: pick("spanLimits.attributePerLinkCountLimit", limits.attributePerLinkCountLimit,
      () => firstEnvInteger(env, ["OTEL_LINK_ATTRIBUTE_COUNT_LIMIT"], 0), 128),
  };

  const logLevel = pick<LogLevel>("logLevel", options.logLevel, () => {
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

  const conventions = pick<Conventions>("conventions", options.conventions, () => {
    const v = envString(env, "CALLTREE_CONVENTIONS");
    if (v === undefined) return undefined;
    const value = v.toLowerCase();
    if ((CONVENTIONS as readonly string[]).includes(value)) return { name: "CALLTREE_CONVENTIONS", value: value as Conventions };
    throw invalidEnv("CALLTREE_CONVENTIONS", v, `expected one of ${CONVENTIONS.join(", ")}`);
  }, "openinference");

  const autoInstrument = pick("autoInstrument", options.autoInstrument, () => {
    const v = envBoolean(env, "CALLTREE_AUTO_INSTRUMENT");
    return v === undefined ? undefined : { name: "CALLTREE_AUTO_INSTRUMENT", value: v };
  }, false);

  const resourceAttributes: Attributes = { ...resourceFromEnv, ...(options.resourceAttributes ?? {}) };

  return {
    enabled,
    projectName,
    serviceName,
    resourceAttributes,
    exporter,
    batch,
    global: pick("global", options.global, () => undefined, true),
    instrumentations: options.instrumentations ?? [],
    autoInstrument,
    sampler,
    spanLimits,
    capture: options.capture,
    prices: options.prices,
    flushOnExit: pick("flushOnExit", options.flushOnExit, () => undefined, true),
    flushTimeoutMillis: pick("flushTimeoutMillis", options.flushTimeoutMillis, () => undefined, 5_000),
    asyncLocalStorage: options.asyncLocalStorage,
    logLevel,
    conventions,
    diagLogLevel,
    spanProcessors: options.spanProcessors ?? [],
    sources,
  };
}

// Checked at compile time: the schema accepts exactly what RegisterOptions describes (capture is checked by core).
type SchemaInput = Omit<z.input<typeof optionsSchema>, "capture">;
type Keys<T> = keyof T;
const _sameKeys: [Exclude<Keys<SchemaInput>, Keys<RegisterOptions>>, Exclude<Keys<RegisterOptions>, Keys<SchemaInput> | "capture">] =
  [undefined as never, undefined as never];
void _sameKeys;
