import { CalltreeError } from "../errors.js";
import { shared } from "../internal/global.js";

/**
 * What to hide from spans, named as OpenInference's `OPENINFERENCE_HIDE_*` environment variables. Each flag
 * defaults to its environment variable (`OPENINFERENCE_HIDE_INPUTS=true` …), so the standard variables work
 * without any code; an explicit {@link configureCapture} value wins.
 */
export interface HideOptions {
  /** `input.value` becomes `__REDACTED__`; input messages, tools and input images are dropped. */
  inputs: boolean;
  /** `output.value` becomes `__REDACTED__`; output messages and output images are dropped. */
  outputs: boolean;
  /** `llm.input_messages.*` are dropped. */
  inputMessages: boolean;
  /** `llm.output_messages.*` are dropped. */
  outputMessages: boolean;
  /** Images in input messages are dropped. */
  inputImages: boolean;
  /** Text of input messages becomes `__REDACTED__`. */
  inputText: boolean;
  /** Text of output messages becomes `__REDACTED__`. */
  outputText: boolean;
  /** `embedding.embeddings.*.embedding.vector` are dropped. */
  embeddingVectors: boolean;
  /** `llm.prompts` becomes `__REDACTED__`. */
  prompts: boolean;
  /** `llm.tools.*` are dropped. */
  llmTools: boolean;
  /** `llm.invocation_parameters` is dropped. */
  invocationParameters: boolean;
}

/** Options of {@link configureCapture}. Every field is optional; unset fields keep their current value. */
export interface CaptureOptions {
  /**
   * Longest string recorded for one attribute value, in UTF-16 code units (default 32,768). Longer values are
   * cut and end with a visible `…[truncated …]` marker; JSON values stay valid JSON.
   */
  maxValueLength?: number;
  /** Deepest nesting serialized before a `[Max depth]` marker (default 32). */
  maxDepth?: number;
  /**
   * Keys whose values are replaced by `[REDACTED]` wherever they appear in captured data. Strings match
   * case-insensitively, ignoring `-` and `_`, either the whole key or its end (`"apiKey"` matches `openai_api_key`);
   * regular expressions are tested against the raw key. Replaces the default list
   * ({@link DEFAULT_REDACT_KEYS}); `false` turns redaction off.
   */
  redactKeys?: ReadonlyArray<string | RegExp> | false;
  /** Masking flags; see {@link HideOptions}. */
  hide?: Partial<HideOptions>;
  /** Base64 image URLs longer than this are replaced by `__REDACTED__` (default 32,000, as OpenInference). */
  base64ImageMaxLength?: number;
  /**
   * A returned stream that nobody reads for this long ends its span, marked `abandoned` (default 300,000 ms).
   * A stream that is garbage-collected unread ends its span too.
   */
  streamIdleTimeoutMs?: number;
}

/** Keys redacted by default. */
export const DEFAULT_REDACT_KEYS: readonly string[] = Object.freeze([
  "apiKey",
  "authorization",
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "privateKey",
  "accessKey",
  "secretKey",
  "cookie",
  "credential",
  "credentials",
  "sessionKey",
]);

/** The resolved configuration read on the hot path. @internal */
export interface CaptureConfig {
  maxValueLength: number;
  maxDepth: number;
  redact: ((key: string) => boolean) | undefined;
  hide: HideOptions;
  /** True when any hide flag is set: masking runs only then. */
  masking: boolean;
  base64ImageMaxLength: number;
  streamIdleTimeoutMs: number;
}

const ENV_FLAGS: ReadonlyArray<[keyof HideOptions, string]> = [
  ["inputs", "OPENINFERENCE_HIDE_INPUTS"],
  ["outputs", "OPENINFERENCE_HIDE_OUTPUTS"],
  ["inputMessages", "OPENINFERENCE_HIDE_INPUT_MESSAGES"],
  ["outputMessages", "OPENINFERENCE_HIDE_OUTPUT_MESSAGES"],
  ["inputImages", "OPENINFERENCE_HIDE_INPUT_IMAGES"],
  ["inputText", "OPENINFERENCE_HIDE_INPUT_TEXT"],
  ["outputText", "OPENINFERENCE_HIDE_OUTPUT_TEXT"],
  ["embeddingVectors", "OPENINFERENCE_HIDE_EMBEDDING_VECTORS"],
  ["prompts", "OPENINFERENCE_HIDE_PROMPTS"],
  ["llmTools", "OPENINFERENCE_HIDE_LLM_TOOLS"],
  ["invocationParameters", "OPENINFERENCE_HIDE_LLM_INVOCATION_PARAMETERS"],
];

/** The names of the environment variables calltree's masking honours. */
export const HIDE_ENVIRONMENT_VARIABLES: readonly string[] = Object.freeze(ENV_FLAGS.map(([, name]) => name));

// The one place outside @calltree/otel that reads the environment: the OpenInference masking variables are a
// privacy switch, and users expect them to hold whether or not they call register().
function readEnv(name: string): string | undefined {
  try {
    return typeof process === "object" && process !== null ? process.env[name] : undefined;
  } catch {
    return undefined;
  }
}

function envFlag(name: string): boolean {
  const raw = readEnv(name)?.trim().toLowerCase();
  return raw === "true" || raw === "1" || raw === "yes";
}

function envNumber(name: string, fallback: number): number {
  const raw = readEnv(name);
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, "");
}

// Each distinct key is judged once: a chat repeats `role` and `content` in every message, and the serializer's scan
// asks about every key of every object. The answers live in a prototype-less object (a keyed load, cheaper than a
// Map's `get` for the internalized strings keys are; nothing added to Object.prototype can answer). Bounded, since
// data with unbounded distinct keys must not grow it forever; longer keys are judged each time (rarely repeated, and
// a kept key keeps its string alive).
const MAX_CACHED_KEYS = 10_000;
const MAX_CACHED_KEY_LENGTH = 64;

function makeRedactor(keys: ReadonlyArray<string | RegExp>): (key: string) => boolean {
  const suffixes = keys.filter((k): k is string => typeof k === "string").map(normalizeKey).filter(Boolean);
  const patterns = keys.filter((k): k is RegExp => k instanceof RegExp);
  const judge = (key: string): boolean => {
    const n = normalizeKey(key);
    if (suffixes.some((s) => n === s || n.endsWith(s))) return true;
    return patterns.some((p) => {
      p.lastIndex = 0;
      return p.test(key);
    });
  };
  let cache = Object.create(null) as Record<string, boolean>;
  let size = 0;
  return (key) => {
    const hit = cache[key];
    if (hit !== undefined) return hit;
    const secret = judge(key);
    if (key.length <= MAX_CACHED_KEY_LENGTH) {
      if (size >= MAX_CACHED_KEYS) {
        cache = Object.create(null) as Record<string, boolean>;
        size = 0;
      }
      cache[key] = secret;
      size++;
    }
    return secret;
  };
}

function fromEnvironment(): CaptureConfig {
  const hide = {} as HideOptions;
  for (const [flag, name] of ENV_FLAGS) hide[flag] = envFlag(name);
  return finish({
    maxValueLength: 32_768,
    maxDepth: 32,
    redact: makeRedactor(DEFAULT_REDACT_KEYS),
    hide,
    masking: false,
    base64ImageMaxLength: envNumber("OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH", 32_000),
    streamIdleTimeoutMs: 300_000,
  });
}

function finish(config: CaptureConfig): CaptureConfig {
  config.masking = Object.values(config.hide).some(Boolean);
  return config;
}

/** The configuration in force. @internal */
export function captureConfig(): CaptureConfig {
  return (shared.capture as CaptureConfig | undefined) ?? (shared.capture = fromEnvironment());
}

function positiveInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new CalltreeError(
      "INVALID_CAPTURE_OPTIONS",
      `configureCapture: \`${name}\` must be an integer >= ${min}, got ${String(value)}.`,
    );
  }
  return value;
}

/**
 * Sets how values are captured: size limits, secret redaction, masking and stream idle time. Applies to every
 * decorated call from then on (also in other copies of calltree in the process). `register()` calls it with its
 * `capture` options; call it directly when you do not use `register()`.
 *
 * @throws {CalltreeError} `INVALID_CAPTURE_OPTIONS` when a value has the wrong type or range.
 */
export function configureCapture(options: CaptureOptions): void {
  const current = captureConfig();
  const next: CaptureConfig = { ...current, hide: { ...current.hide } };
  if (options.maxValueLength !== undefined) next.maxValueLength = positiveInteger("maxValueLength", options.maxValueLength, 64);
  if (options.maxDepth !== undefined) next.maxDepth = positiveInteger("maxDepth", options.maxDepth, 1);
  if (options.base64ImageMaxLength !== undefined) {
    next.base64ImageMaxLength = positiveInteger("base64ImageMaxLength", options.base64ImageMaxLength, 0);
  }
  if (options.streamIdleTimeoutMs !== undefined) {
    next.streamIdleTimeoutMs = positiveInteger("streamIdleTimeoutMs", options.streamIdleTimeoutMs, 1);
  }
  if (options.redactKeys !== undefined) {
    if (options.redactKeys === false) next.redact = undefined;
    else if (Array.isArray(options.redactKeys)) next.redact = makeRedactor(options.redactKeys);
    else {
      throw new CalltreeError(
        "INVALID_CAPTURE_OPTIONS",
        "configureCapture: `redactKeys` must be an array of strings or regular expressions, or false.",
      );
    }
  }
  if (options.hide !== undefined) {
    for (const [flag, value] of Object.entries(options.hide)) {
      if (!ENV_FLAGS.some(([f]) => f === flag)) {
        throw new CalltreeError(
          "INVALID_CAPTURE_OPTIONS",
          `configureCapture: unknown hide flag \`${flag}\`; known flags: ${ENV_FLAGS.map(([f]) => f).join(", ")}.`,
        );
      }
      if (value !== undefined) next.hide[flag as keyof HideOptions] = Boolean(value);
    }
  }
  shared.capture = finish(next);
}

/** Goes back to the defaults and the environment variables (tests use this between cases). */
export function resetCapture(): void {
  shared.capture = fromEnvironment();
}
