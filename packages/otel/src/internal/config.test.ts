import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { resolveConfig, tracesUrl, validateOptions } from "./config.js";
import type { ResolvedConfig } from "./config.js";
import type { RegisterOptions } from "../options.js";

function resolve(options: RegisterOptions = {}, env: Record<string, string> = {}): ResolvedConfig {
  return resolveConfig(validateOptions(options), env, (path) => Buffer.from(`file:${path}`));
}

function otlp(config: ResolvedConfig) {
  assert.equal(config.exporter.kind, "otlp");
  return config.exporter as Extract<ResolvedConfig["exporter"], { kind: "otlp" }>;
}

function throwsCode(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.equal((error as Error).name, "CalltreeError");
    assert.equal((error as { code: string }).code, code);
    assert.match((error as Error).message, message);
    return true;
  });
}

describe("register() option validation", () => {
  test("an unknown option is named, with the closest known one", () => {
    throwsCode(() => validateOptions({ projectname: "x" }), "INVALID_OPTIONS", /unknown option `projectname` \(did you mean `projectName`\?\)/);
  });

  test("a wrong protocol says which protocols work, and grpc says to use http/protobuf", () => {
    throwsCode(() => validateOptions({ protocol: "http" }), "INVALID_OPTIONS", /`protocol` must be "http\/protobuf" \(Phoenix accepts only this\) or "http\/json"/);
    throwsCode(() => validateOptions({ protocol: "grpc" }), "INVALID_OPTIONS", /OTLP over HTTP only: use "http\/protobuf"/);
  });

  test("every problem is listed in one error", () => {
    const bad = () => validateOptions({ sampleRate: 2, batch: { maxQueueSize: 0 }, exporter: "jaeger" });
    throwsCode(bad, "INVALID_OPTIONS", /`sampleRate` must be from 0 \(record nothing\) to 1 \(record everything\)/);
    throwsCode(bad, "INVALID_OPTIONS", /`batch\.maxQueueSize` must be greater than 0/);
    throwsCode(bad, "INVALID_OPTIONS", /`exporter` must be "otlp", "console", "file", "memory", "none" or an OpenTelemetry SpanExporter/);
  });

  test("a non-object is refused with an example", () => {
    throwsCode(() => validateOptions("phoenix"), "INVALID_OPTIONS", /register\(\) takes an options object, e\.g\. register\(\{ projectName/);
  });

  test("an endpoint that is not an http(s) URL is refused with an example", () => {
    throwsCode(() => resolve({ endpoint: "localhost:6006" }), "INVALID_OPTIONS", /`endpoint` is invalid: "localhost:6006": expected an http:\/\/ or https:\/\/ URL/);
    throwsCode(() => resolve({ endpoint: "not a url" }), "INVALID_OPTIONS", /expected an http\(s\) URL such as http:\/\/localhost:6006/);
  });

  test("a SpanExporter object is accepted as exporter", () => {
    const exporter = new InMemorySpanExporter();
    const config = resolve({ exporter });
    assert.deepEqual(config.exporter, { kind: "custom", exporter });
  });
});

describe("register() endpoint URLs", () => {
  test("a base URL gets /v1/traces, a full one is kept, trailing slashes and base paths are handled", () => {
    const fail = () => new Error("bad");
    assert.equal(tracesUrl("http://localhost:6006", fail), "http://localhost:6006/v1/traces");
    assert.equal(tracesUrl("http://localhost:6006/", fail), "http://localhost:6006/v1/traces");
    assert.equal(tracesUrl("http://localhost:6006/v1/traces", fail), "http://localhost:6006/v1/traces");
    assert.equal(tracesUrl("https://app.phoenix.arize.com/s/my-space", fail), "https://app.phoenix.arize.com/s/my-space/v1/traces");
    assert.equal(tracesUrl("https://cloud.langfuse.com/api/public/otel/", fail), "https://cloud.langfuse.com/api/public/otel/v1/traces");
  });
});

describe("register() defaults", () => {
  test("no endpoint: console exporter, project default, batch, global, 10,000 attributes, autoInstrument off", () => {
    const config = resolve();
    assert.deepEqual(config.exporter, { kind: "console", color: undefined });
    assert.equal(config.projectName, "default");
    assert.equal(config.serviceName, undefined);
    assert.equal(config.batch.enabled, true);
    assert.equal(config.batch.maxExportBatchSize, 512);
    assert.equal(config.global, true);
    assert.equal(config.spanLimits.attributeCountLimit, 10_000);
    assert.equal(config.autoInstrument, false);
    assert.equal(config.flushOnExit, true);
    assert.equal(config.logLevel, "info");
    assert.deepEqual(config.sampler, { type: "parentbased_always_on" });
  });

  test("exporter otlp without an endpoint goes to Phoenix's default address with protobuf", () => {
    const e = otlp(resolve({ exporter: "otlp" }));
    assert.equal(e.url, "http://localhost:6006/v1/traces");
    assert.equal(e.protocol, "http/protobuf");
    assert.equal(e.compression, "none");
    assert.equal(e.timeoutMillis, 10_000);
  });

  test("an endpoint selects otlp; file selects the file exporter", () => {
    assert.equal(resolve({ endpoint: "http://127.0.0.1:4318" }).exporter.kind, "otlp");
    assert.deepEqual(resolve({ file: "out/t.jsonl" }).exporter, { kind: "file", path: "out/t.jsonl" });
    assert.deepEqual(resolve({ exporter: "file" }).exporter, { kind: "file", path: "traces.jsonl" });
  });

  test("the project name is the service name when only the project is configured", () => {
    assert.equal(resolve({ projectName: "hinbox" }).serviceName, "hinbox");
    assert.equal(resolve({}, { PHOENIX_PROJECT_NAME: "envproj" }).serviceName, "envproj");
  });
});

// One test per environment variable: it applies when the option is absent, and the option beats it.
describe("register() environment precedence", () => {
  test("PHOENIX_COLLECTOR_ENDPOINT: a base URL, selects otlp; the endpoint option beats it", () => {
    const env = { PHOENIX_COLLECTOR_ENDPOINT: "http://phoenix:6006" };
    const config = resolve({}, env);
    assert.equal(otlp(config).url, "http://phoenix:6006/v1/traces");
    assert.equal(config.sources.endpoint, "PHOENIX_COLLECTOR_ENDPOINT");
    assert.equal(otlp(resolve({ endpoint: "http://mine:1234" }, env)).url, "http://mine:1234/v1/traces");
    throwsCode(() => resolve({}, { PHOENIX_COLLECTOR_ENDPOINT: "phoenix:6006" }), "INVALID_ENVIRONMENT",
      /PHOENIX_COLLECTOR_ENDPOINT="phoenix:6006" is invalid: expected an http:\/\/ or https:\/\/ URL.*Fix or unset PHOENIX_COLLECTOR_ENDPOINT/);
  });

  test("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: used exactly as given, below PHOENIX_COLLECTOR_ENDPOINT", () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/custom/path" };
    assert.equal(otlp(resolve({}, env)).url, "http://collector:4318/custom/path");
    assert.equal(otlp(resolve({}, { ...env, PHOENIX_COLLECTOR_ENDPOINT: "http://phoenix:6006" })).url, "http://phoenix:6006/v1/traces");
    assert.equal(otlp(resolve({ endpoint: "http://mine:1" }, env)).url, "http://mine:1/v1/traces");
  });

  test("OTEL_EXPORTER_OTLP_ENDPOINT: gets /v1/traces, below the traces-specific variable", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" };
    assert.equal(otlp(resolve({}, env)).url, "http://collector:4318/v1/traces");
    assert.equal(otlp(resolve({}, { ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t:1/x" })).url, "http://t:1/x");
    assert.equal(otlp(resolve({ endpoint: "http://mine:1" }, env)).url, "http://mine:1/v1/traces");
  });

  test("PHOENIX_API_KEY: a bearer header; the apiKey option beats it", () => {
    const env = { PHOENIX_API_KEY: "env-key", PHOENIX_COLLECTOR_ENDPOINT: "http://p:6006" };
    assert.equal(otlp(resolve({}, env)).headers.authorization, "Bearer env-key");
    assert.equal(otlp(resolve({ apiKey: "opt-key" }, env)).headers.authorization, "Bearer opt-key");
  });

  test("PHOENIX_PROJECT_NAME: the project; the projectName option beats it", () => {
    assert.equal(resolve({}, { PHOENIX_PROJECT_NAME: "env-project" }).projectName, "env-project");
    assert.equal(resolve({ projectName: "opt" }, { PHOENIX_PROJECT_NAME: "env-project" }).projectName, "opt");
  });

  test("PHOENIX_CLIENT_HEADERS: headers above OTEL_EXPORTER_OTLP_HEADERS, below the headers option, by name", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
      OTEL_EXPORTER_OTLP_HEADERS: "x-a=otel,x-b=otel",
      PHOENIX_CLIENT_HEADERS: "X-B=phoenix,x-c=phoenix%20value",
    };
    assert.deepEqual(otlp(resolve({}, env)).headers, { "x-a": "otel", "x-b": "phoenix", "x-c": "phoenix value" });
    assert.deepEqual(otlp(resolve({ headers: { "X-C": "opt" } }, env)).headers, { "x-a": "otel", "x-b": "phoenix", "x-c": "opt" });
  });

  test("OTEL_EXPORTER_OTLP_HEADERS: parsed, percent-decoded; malformed is an error naming the variable", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20abc" };
    assert.deepEqual(otlp(resolve({}, env)).headers, { authorization: "Basic abc" });
    assert.deepEqual(otlp(resolve({ headers: { authorization: "Bearer x" } }, env)).headers, { authorization: "Bearer x" });
    throwsCode(() => resolve({}, { ...env, OTEL_EXPORTER_OTLP_HEADERS: "novalue" }), "INVALID_ENVIRONMENT",
      /OTEL_EXPORTER_OTLP_HEADERS="\*\*\*\*" is invalid: expected comma-separated key=value pairs, e\.g\. api_key=abc,x-team=ml; item 1 of 1 is not key=value \(values shown as \*\*\*\*\)/);
  });

  test("OTEL_EXPORTER_OTLP_PROTOCOL: http/json is used; the protocol option beats it; grpc is refused", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" };
    assert.equal(otlp(resolve({}, env)).protocol, "http/json");
    assert.equal(otlp(resolve({ protocol: "http/protobuf" }, env)).protocol, "http/protobuf");
    assert.equal(otlp(resolve({}, { ...env, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf" })).protocol, "http/protobuf");
    throwsCode(() => resolve({}, { ...env, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }), "INVALID_ENVIRONMENT",
      /OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is invalid: calltree sends OTLP over HTTP only; use http\/protobuf/);
  });

  test("OTEL_SERVICE_NAME: the service name, above OTEL_RESOURCE_ATTRIBUTES; the serviceName option beats it", () => {
    const env = { OTEL_SERVICE_NAME: "svc-env", OTEL_RESOURCE_ATTRIBUTES: "service.name=svc-res,deployment.environment=prod" };
    const config = resolve({ projectName: "p" }, env);
    assert.equal(config.serviceName, "svc-env");
    assert.equal(config.resourceAttributes["deployment.environment"], "prod");
    assert.equal(resolve({ projectName: "p" }, { OTEL_RESOURCE_ATTRIBUTES: env.OTEL_RESOURCE_ATTRIBUTES }).serviceName, "svc-res");
    assert.equal(resolve({ serviceName: "svc-opt" }, env).serviceName, "svc-opt");
  });

  test("OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG: the sampler; sampleRate beats them; bad values are errors", () => {
    const env = { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" };
    assert.deepEqual(resolve({}, env).sampler, { type: "parentbased_traceidratio", ratio: 0.25 });
    assert.deepEqual(resolve({}, { OTEL_TRACES_SAMPLER: "always_off" }).sampler, { type: "always_off" });
    assert.deepEqual(resolve({ sampleRate: 0.5 }, env).sampler, { type: "parentbased_traceidratio", ratio: 0.5 });
    throwsCode(() => resolve({}, { OTEL_TRACES_SAMPLER: "sometimes" }), "INVALID_ENVIRONMENT", /OTEL_TRACES_SAMPLER="sometimes".*always_on, always_off/);
    throwsCode(() => resolve({}, { ...env, OTEL_TRACES_SAMPLER_ARG: "1.5" }), "INVALID_ENVIRONMENT", /OTEL_TRACES_SAMPLER_ARG="1.5".*ratio from 0 to 1/);
  });

  test("OTEL_EXPORTER_OTLP_COMPRESSION and _TIMEOUT apply to otlp; options beat them", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_COMPRESSION: "gzip", OTEL_EXPORTER_OTLP_TIMEOUT: "2500" };
    assert.equal(otlp(resolve({}, env)).compression, "gzip");
    assert.equal(otlp(resolve({}, env)).timeoutMillis, 2500);
    assert.equal(otlp(resolve({ compression: "none", exportTimeoutMillis: 100 }, env)).compression, "none");
    assert.equal(otlp(resolve({ compression: "none", exportTimeoutMillis: 100 }, env)).timeoutMillis, 100);
    throwsCode(() => resolve({}, { ...env, OTEL_EXPORTER_OTLP_TIMEOUT: "soon" }), "INVALID_ENVIRONMENT", /OTEL_EXPORTER_OTLP_TIMEOUT="soon".*whole number/);
  });

  test("OTEL_TRACES_EXPORTER picks the exporter; the exporter option beats it; unknown values are errors", () => {
    assert.equal(resolve({}, { OTEL_TRACES_EXPORTER: "none", PHOENIX_COLLECTOR_ENDPOINT: "http://p:1" }).exporter.kind, "none");
    assert.equal(resolve({ exporter: "memory" }, { OTEL_TRACES_EXPORTER: "console" }).exporter.kind, "memory");
    throwsCode(() => resolve({}, { OTEL_TRACES_EXPORTER: "zipkin" }), "INVALID_ENVIRONMENT", /otlp, console, file, memory or none/);
  });

  test("CALLTREE_FILE names the file of the file exporter; the file option beats it", () => {
    assert.deepEqual(resolve({ exporter: "file" }, { CALLTREE_FILE: "env.jsonl" }).exporter, { kind: "file", path: "env.jsonl" });
    assert.deepEqual(resolve({ file: "opt.jsonl" }, { CALLTREE_FILE: "env.jsonl" }).exporter, { kind: "file", path: "opt.jsonl" });
  });

  test("an explicit file or endpoint option beats an endpoint from the environment", () => {
    assert.equal(resolve({ file: "x.jsonl" }, { PHOENIX_COLLECTOR_ENDPOINT: "http://p:6006" }).exporter.kind, "file");
  });

  test("OTEL_BSP_* set batching; batch options beat them", () => {
    const env = { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "64", OTEL_BSP_SCHEDULE_DELAY: "250", OTEL_BSP_MAX_QUEUE_SIZE: "999" };
    const b = resolve({}, env).batch;
    assert.deepEqual([b.maxExportBatchSize, b.scheduledDelayMillis, b.maxQueueSize], [64, 250, 999]);
    assert.equal(resolve({ batch: { maxExportBatchSize: 8 } }, env).batch.maxExportBatchSize, 8);
  });

  test("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT / OTEL_ATTRIBUTE_COUNT_LIMIT set the attribute limit; spanLimits beats them", () => {
    assert.equal(resolve({}, { OTEL_ATTRIBUTE_COUNT_LIMIT: "300" }).spanLimits.attributeCountLimit, 300);
    assert.equal(resolve({}, { OTEL_ATTRIBUTE_COUNT_LIMIT: "300", OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "400" }).spanLimits.attributeCountLimit, 400);
    assert.equal(resolve({ spanLimits: { attributeCountLimit: 50_000 } }, { OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: "400" }).spanLimits.attributeCountLimit, 50_000);
  });

  test("CALLTREE_LOG_LEVEL and OTEL_LOG_LEVEL", () => {
    assert.equal(resolve({}, { CALLTREE_LOG_LEVEL: "silent" }).logLevel, "silent");
    assert.equal(resolve({ logLevel: "warn" }, { CALLTREE_LOG_LEVEL: "silent" }).logLevel, "warn");
    assert.equal(resolve({}, { OTEL_LOG_LEVEL: "debug" }).diagLogLevel, "DEBUG");
    throwsCode(() => resolve({}, { OTEL_LOG_LEVEL: "loud" }), "INVALID_ENVIRONMENT", /OTEL_LOG_LEVEL="loud"/);
  });

  test("CALLTREE_AUTO_INSTRUMENT turns auto-instrumentation on; the option beats it", () => {
    assert.equal(resolve({}, { CALLTREE_AUTO_INSTRUMENT: "true" }).autoInstrument, true);
    assert.equal(resolve({ autoInstrument: false }, { CALLTREE_AUTO_INSTRUMENT: "true" }).autoInstrument, false);
    throwsCode(() => resolve({}, { CALLTREE_AUTO_INSTRUMENT: "maybe" }), "INVALID_ENVIRONMENT", /expected true or false/);
  });

  test("OTEL_SDK_DISABLED=true disables; enabled: true beats it", () => {
    assert.equal(resolve({}, { OTEL_SDK_DISABLED: "true" }).enabled, false);
    assert.equal(resolve({ enabled: true }, { OTEL_SDK_DISABLED: "true" }).enabled, true);
  });

  test("OTEL_EXPORTER_OTLP_CERTIFICATE files are read for TLS", () => {
    const e = otlp(resolve({ endpoint: "https://p:443" }, { OTEL_EXPORTER_OTLP_CERTIFICATE: "/ca.pem" }));
    assert.equal(e.tls.ca?.toString(), "file:/ca.pem");
  });

  test("blank variables count as unset", () => {
    assert.equal(resolve({}, { PHOENIX_COLLECTOR_ENDPOINT: "  ", PHOENIX_PROJECT_NAME: "" }).exporter.kind, "console");
  });
});

// Setup errors quote the value that is wrong, so that it can be found and fixed, but never a secret in it.
describe("register() errors quote no secret", () => {
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      return (error as Error).message;
    }
    assert.fail("no error");
  };

  test("an invalid endpoint option is quoted with its password and query values masked", () => {
    assert.equal(
      message(() => resolve({ endpoint: "ftp://user:hunter2@phoenix.example/?api_key=sk-1" })),
      'register(): `endpoint` is invalid: "ftp://user:****@phoenix.example/?api_key=****": expected an http:// or https:// URL ' +
        "(calltree sends OTLP over HTTP), got ftp://.",
    );
    // Not a URL at all (the port is out of range): masked as text.
    assert.equal(
      message(() => resolve({ endpoint: "http://user:hunter2@phoenix.example:99999/?api_key=sk-1&x" })),
      'register(): `endpoint` is invalid: "http://user:****@phoenix.example:99999/?api_key=****&x": expected an http(s) URL such as http://localhost:6006.',
    );
  });

  test("invalid endpoint variables are quoted masked, naming the variable", () => {
    const fix = (name: string) => `Fix or unset ${name}, or pass the option to register() (an option in code beats the environment).`;
    assert.equal(
      message(() => resolve({}, { PHOENIX_COLLECTOR_ENDPOINT: "ftp://user:hunter2@phoenix.example" })),
      'register(): environment variable PHOENIX_COLLECTOR_ENDPOINT="ftp://user:****@phoenix.example/" is invalid: expected an ' +
        `http:// or https:// URL (calltree sends OTLP over HTTP), got ftp://. ${fix("PHOENIX_COLLECTOR_ENDPOINT")}`,
    );
    assert.equal(
      message(() => resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://user:hunter2@127.0.0.1:99999" })),
      'register(): environment variable OTEL_EXPORTER_OTLP_ENDPOINT="http://user:****@127.0.0.1:99999" is invalid: expected an ' +
        `http(s) URL such as http://localhost:6006. ${fix("OTEL_EXPORTER_OTLP_ENDPOINT")}`,
    );
    assert.equal(
      message(() => resolve({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://sk-token@collector:99999/v1/traces" })),
      'register(): environment variable OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://****@collector:99999/v1/traces" is invalid: ' +
        `expected a full http(s) URL such as http://localhost:4318/v1/traces. ${fix("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")}`,
    );
  });

  test("invalid header variables show header names only, with what is wrong", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" };
    assert.match(
      message(() => resolve({}, { ...env, OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer sk-1,Bearer sk-2" })),
      /^register\(\): environment variable OTEL_EXPORTER_OTLP_HEADERS="authorization=\*\*\*\*,\*\*\*\*" is invalid: expected comma-separated key=value pairs, e\.g\. api_key=abc,x-team=ml; item 2 of 2 is not key=value \(values shown as \*\*\*\*\)\. Fix or unset OTEL_EXPORTER_OTLP_HEADERS/,
    );
    assert.match(
      message(() => resolve({}, { ...env, PHOENIX_CLIENT_HEADERS: "x-team=ml,api_key=sk-1%zz" })),
      /^register\(\): environment variable PHOENIX_CLIENT_HEADERS="x-team=\*\*\*\*,api_key=\*\*\*\*" is invalid: the value of api_key is not valid percent-encoding \(values shown as \*\*\*\*\)\. /,
    );
    assert.match(
      message(() => resolve({}, { ...env, OTEL_EXPORTER_OTLP_TRACES_HEADERS: "=sk-1" })),
      /OTEL_EXPORTER_OTLP_TRACES_HEADERS="=\*\*\*\*" is invalid: .*item 1 of 1 is not key=value/,
    );
    // Resource attributes hold no secret: quoted as given.
    assert.match(message(() => resolve({}, { OTEL_RESOURCE_ATTRIBUTES: "team" })), /OTEL_RESOURCE_ATTRIBUTES="team" is invalid: .*item 1 of 1 is not key=value\. /);
  });
});

describe("register() refuses headers HTTP cannot send (every export would fail), without showing their values", () => {
  const SECRET = "sk-live-123456";
  const endpoint = "http://c:4318";
  const refused = (fn: () => unknown, code: string, message: RegExp): void => {
    throwsCode(fn, code, message);
    try {
      fn();
    } catch (error) {
      assert.doesNotMatch((error as Error).message, new RegExp(SECRET), "the secret is never quoted");
    }
  };

  test("from the headers option: a name with a space or a colon, a value with a line break or a non-ASCII character", () => {
    refused(() => resolve({ endpoint, headers: { "x team": SECRET } }), "INVALID_OPTIONS",
      /`headers` is invalid: the header name starting "x" contains a space, which HTTP does not allow in a name .*Fix it in register\(\{ headers \}\)/);
    refused(() => resolve({ endpoint, headers: { [`Authorization: Bearer ${SECRET}`]: "" } }), "INVALID_OPTIONS",
      /the header name starting "Authorization" contains ":"/);
    refused(() => resolve({ endpoint, headers: { "x-api-key": `${SECRET}\r\nx-evil: 1` } }), "INVALID_OPTIONS",
      /the value of header "x-api-key" contains a line break, which HTTP does not allow \(the value is not shown\)/);
    refused(() => resolve({ endpoint, headers: { "x-team": `${SECRET}é` } }), "INVALID_OPTIONS",
      /the value of header "x-team" contains a non-ASCII character/);
    refused(() => resolve({ endpoint, headers: { "x-team": `${SECRET}\u0000` } }), "INVALID_OPTIONS", /contains a control character/);
  });

  test("from OTEL_EXPORTER_OTLP_HEADERS and the other header variables, percent-decoded values included", () => {
    const env = (value: string, name = "OTEL_EXPORTER_OTLP_HEADERS") => ({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, [name]: value });
    refused(() => resolve({}, env(`x team=${SECRET}`)), "INVALID_ENVIRONMENT",
      /OTEL_EXPORTER_OTLP_HEADERS="\*\*\*\*=\*\*\*\*" is invalid: the header name starting "x" contains a space.*Fix or unset OTEL_EXPORTER_OTLP_HEADERS/);
    refused(() => resolve({}, env(`x-ok=1,authorization=Bearer%20${SECRET}%0A`)), "INVALID_ENVIRONMENT",
      /OTEL_EXPORTER_OTLP_HEADERS="x-ok=\*\*\*\*,authorization=\*\*\*\*" is invalid: the value of header "authorization" contains a line break/);
    refused(() => resolve({}, env(`x-team=caf%C3%A9${SECRET}`, "PHOENIX_CLIENT_HEADERS")), "INVALID_ENVIRONMENT",
      /PHOENIX_CLIENT_HEADERS=.*the value of header "x-team" contains a non-ASCII character/);
    refused(() => resolve({}, env(`café=${SECRET}`, "OTEL_EXPORTER_OTLP_TRACES_HEADERS")), "INVALID_ENVIRONMENT",
      /OTEL_EXPORTER_OTLP_TRACES_HEADERS="\*\*\*\*=\*\*\*\*" is invalid: the header name starting "caf" contains a non-ASCII character/);
  });

  test("an API key with a line break (a key file read with its newline) says so, from the option and from PHOENIX_API_KEY", () => {
    refused(() => resolve({ endpoint, apiKey: `${SECRET}\n` }), "INVALID_OPTIONS",
      /the API key in `apiKey` contains a line break, which an HTTP header cannot carry \(the key is not shown\).*trim it/);
    refused(() => resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, PHOENIX_API_KEY: `${SECRET}\nmore` }), "INVALID_ENVIRONMENT",
      /the API key in environment variable PHOENIX_API_KEY contains a line break/);
  });

  test("valid headers pass unchanged; header variables are not read when nothing is exported over OTLP", () => {
    assert.deepEqual(otlp(resolve({ endpoint, headers: { "X-Api-Key": "abc~!#$%&'*+-.^_`|", "x-b": "a b\tc" } })).headers,
      { "x-api-key": "abc~!#$%&'*+-.^_`|", "x-b": "a b\tc" });
    assert.equal(resolve({ exporter: "console" }, { OTEL_EXPORTER_OTLP_HEADERS: "x y=1" }).exporter.kind, "console");
  });
});
