// Where and how spans are exported: the endpoint (four sources, each with its URL rule) and the exporter with its
// OTLP settings (protocol, compression, timeout, headers and API key, TLS files).
import type { ExporterChoice, OtlpProtocol, RegisterOptions } from "../../options.js";
import type { ExporterConfig } from "../config.js";
import { CalltreeError } from "../core.js";
import { maskUrl } from "../diagnostics.js";
import { envKeyValues, envString, firstEnv, firstEnvInteger, invalidEnv } from "../env.js";
import type { Env } from "../env.js";
import { optionError, tracesUrl } from "./endpoint.js";
import { checkHeaders, headerValueProblem, lowerKeys, maskHeaderList } from "./headers.js";
import type { Resolver } from "./resolver.js";

/** Phoenix's default OTLP/HTTP address: used when the exporter is `otlp` and no endpoint is configured. */
const DEFAULT_ENDPOINT = "http://localhost:6006/v1/traces";
const DEFAULT_FILE = "traces.jsonl";

const PROTOCOLS = ["http/protobuf", "http/json"] as const;

/** The configured endpoint as the URL spans are POSTed to (the first configured source wins), or `undefined`. */
export function resolveEndpoint(r: Resolver, options: RegisterOptions): { url: string | undefined; source: string | undefined } {
  const env = r.env;
  let source: string | undefined;
  let url: string | undefined;
  const endpointOption = options.endpoint;
  if (endpointOption !== undefined) {
    // The endpoint is quoted masked: a URL can carry a password or a key.
    url = tracesUrl(endpointOption, (expected) => optionError("endpoint", `${JSON.stringify(maskUrl(endpointOption))}: ${expected}`));
    source = "option";
  } else {
    const phoenix = envString(env, "PHOENIX_COLLECTOR_ENDPOINT");
    const specific = envString(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    const generic = envString(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
    if (phoenix !== undefined) {
      url = tracesUrl(phoenix, (expected) => invalidEnv("PHOENIX_COLLECTOR_ENDPOINT", maskUrl(phoenix), expected));
      source = "PHOENIX_COLLECTOR_ENDPOINT";
    } else if (specific !== undefined) {
      // The OTLP spec uses the signal-specific endpoint exactly as given.
      try {
        const u = new URL(specific);
        if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
        url = u.toString();
      } catch {
        throw invalidEnv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", maskUrl(specific), "expected a full http(s) URL such as http://localhost:4318/v1/traces");
      }
      source = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    } else if (generic !== undefined) {
      url = tracesUrl(generic, (expected) => invalidEnv("OTEL_EXPORTER_OTLP_ENDPOINT", maskUrl(generic), expected));
      source = "OTEL_EXPORTER_OTLP_ENDPOINT";
    }
  }
  r.sources.endpoint = source ?? "default";
  return { url, source };
}

/** The exporter: the option, else `OTEL_TRACES_EXPORTER`, else `otlp` when an endpoint is configured, else `console`. */
export function resolveExporter(
  r: Resolver,
  options: RegisterOptions,
  endpoint: { url: string | undefined; source: string | undefined },
  readFile: (path: string) => Buffer,
): ExporterConfig {
  const env = r.env;
  const url = endpoint.url;
  const exporterChoice = r.pick<ExporterChoice | undefined>(
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
  if (exporterChoice === undefined) r.sources.exporter = url !== undefined ? `default (endpoint from ${endpoint.source})` : "default (no endpoint)";

  if (typeof exporterKind === "object") return { kind: "custom", exporter: exporterKind };
  if (exporterKind === "otlp") return resolveOtlp(r, options, url, readFile);
  if (exporterKind === "file") return { kind: "file", path: r.pick("file", options.file, r.single("CALLTREE_FILE", (v) => v), DEFAULT_FILE) };
  if (exporterKind === "console") return { kind: "console", color: options.color };
  return { kind: exporterKind };
}

function resolveOtlp(r: Resolver, options: RegisterOptions, url: string | undefined, readFile: (path: string) => Buffer): ExporterConfig {
  const env = r.env;
  const protocol = r.pick<OtlpProtocol>("protocol", options.protocol, () => {
    const hit = firstEnv(env, ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]);
    if (hit === undefined) return undefined;
    if ((PROTOCOLS as readonly string[]).includes(hit.value)) return { name: hit.name, value: hit.value as OtlpProtocol };
    throw invalidEnv(hit.name, hit.value, hit.value === "grpc"
      ? "calltree sends OTLP over HTTP only; use http/protobuf (Phoenix: port 6006, a collector: port 4318)"
      : "expected http/protobuf or http/json");
  }, "http/protobuf");
  const compression = r.pick<"gzip" | "none">("compression", options.compression, () => {
    const hit = firstEnv(env, ["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"]);
    if (hit === undefined) return undefined;
    if (hit.value === "gzip" || hit.value === "none") return { name: hit.name, value: hit.value };
    throw invalidEnv(hit.name, hit.value, "expected gzip or none");
  }, "none");
  const timeoutMillis = r.pick("exportTimeoutMillis", options.exportTimeoutMillis,
    () => firstEnvInteger(env, ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"], 1), 10_000);
  const headers = resolveHeaders(r, options);
  const tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
  const ca = readTls(env, "CERTIFICATE", readFile);
  const cert = readTls(env, "CLIENT_CERTIFICATE", readFile);
  const key = readTls(env, "CLIENT_KEY", readFile);
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  return { kind: "otlp", url: url ?? DEFAULT_ENDPOINT, protocol, headers, compression, timeoutMillis, tls, transport: options.transport };
}

// Headers, lowest precedence first; names compare case-insensitively, so they are lower-cased. Their values are
// secrets (API keys): an error shows the names only. Each source is checked before merging, so an error names where
// the bad header came from: HTTP refuses it, and every export would fail.
function resolveHeaders(r: Resolver, options: RegisterOptions): Record<string, string> {
  const env = r.env;
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
  const apiKey = r.pick<string | undefined>("apiKey", options.apiKey, r.single("PHOENIX_API_KEY", (v) => v), undefined);
  if (apiKey !== undefined) {
    const problem = headerValueProblem(apiKey);
    if (problem !== undefined) {
      const where = r.sources.apiKey === "option" ? "`apiKey`" : `environment variable ${r.sources.apiKey}`;
      throw new CalltreeError(
        r.sources.apiKey === "option" ? "INVALID_OPTIONS" : "INVALID_ENVIRONMENT",
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
  r.sources.headers = [
    envString(env, "OTEL_EXPORTER_OTLP_HEADERS") !== undefined ? "OTEL_EXPORTER_OTLP_HEADERS" : "",
    envString(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS") !== undefined ? "OTEL_EXPORTER_OTLP_TRACES_HEADERS" : "",
    envString(env, "PHOENIX_CLIENT_HEADERS") !== undefined ? "PHOENIX_CLIENT_HEADERS" : "",
    options.headers !== undefined ? "option" : "",
  ].filter(Boolean).join(" < ") || "default";
  return headers;
}

function readTls(env: Env, kind: "CERTIFICATE" | "CLIENT_CERTIFICATE" | "CLIENT_KEY", read: (p: string) => Buffer): Buffer | undefined {
  const hit = firstEnv(env, [`OTEL_EXPORTER_OTLP_TRACES_${kind}`, `OTEL_EXPORTER_OTLP_${kind}`]);
  if (hit === undefined) return undefined;
  try {
    return read(hit.value);
  } catch (error) {
    throw invalidEnv(hit.name, hit.value, `the file cannot be read (${(error as Error).message})`);
  }
}
