// Property: the OPENINFERENCE_HIDE_* flags remove exactly what OpenInference's own rules remove. Generated
// attribute sets go onto a span by every route (kind hooks at start, result, stream end and error, the recorder,
// the `attributes` option, `withAttributes`, captured input and output); calltree's exported attributes must
// equal what OpenInference's OITracer exports for the same attributes unmasked, under the same flags: set with
// configureCapture({ hide }) here, and through the real environment variables in child processes.
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import type { TraceConfigOptions } from "@arizeai/openinference-core";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { configureCapture, OPENINFERENCE_REDACTED, resetCapture } from "@calltree/core";
import { defineKind } from "@calltree/core/kind";
import type { HideOptions } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import type { CapturedTraces } from "@calltree/testing";
import { INVOCATION_PARAMETERS_VARIABLE, openInferenceMask, runCase, SHARED_FLAGS } from "./support/masking.js";
import type { MaskCase } from "./support/masking.js";
import { params, runs, SEED } from "./support/seed.js";

let traces: CapturedTraces;
before(() => {
  resetCapture();
  traces = captureTraces();
});
after(() => traces.restore());
afterEach(() => resetCapture());

const UNMASKED: Required<HideOptions> = {
  inputs: false, outputs: false, inputMessages: false, outputMessages: false, inputImages: false, inputText: false,
  outputText: false, embeddingVectors: false, prompts: false, llmTools: false, invocationParameters: false,
};

// Keys are built from the pieces the masking rules look for, so that generated keys hit every rule, its edges
// (`input.images` against `input.imageset`) and its order.
const KEY_PIECES = [
  SC.INPUT_VALUE, SC.INPUT_MIME_TYPE, SC.OUTPUT_VALUE, SC.OUTPUT_MIME_TYPE, SC.LLM_INPUT_MESSAGES, SC.LLM_OUTPUT_MESSAGES,
  SC.MESSAGE_ROLE, SC.MESSAGE_CONTENT, SC.MESSAGE_CONTENTS, SC.MESSAGE_CONTENT_TEXT, SC.MESSAGE_CONTENT_IMAGE,
  SC.MESSAGE_CONTENT_TYPE, SC.IMAGE_URL, SC.INPUT_IMAGES, SC.OUTPUT_IMAGES, `${SC.INPUT_IMAGES}et`, SC.EMBEDDING_EMBEDDINGS,
  SC.EMBEDDING_VECTOR, SC.EMBEDDING_TEXT, SC.LLM_PROMPTS, SC.LLM_TOOLS, SC.TOOL_JSON_SCHEMA, SC.LLM_INVOCATION_PARAMETERS,
  SC.LLM_MODEL_NAME, "0", "1", "custom",
];
const TEMPLATES = [
  `${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`,
  `${SC.LLM_INPUT_MESSAGES}.1.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TEXT}`,
  `${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENTS}.1.${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`,
  `${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`,
  `${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TEXT}`,
  `${SC.INPUT_IMAGES}.0.${SC.IMAGE_URL}`,
  `${SC.OUTPUT_IMAGES}.0.${SC.IMAGE_URL}`,
  `${SC.EMBEDDING_EMBEDDINGS}.0.${SC.EMBEDDING_VECTOR}`,
  `${SC.LLM_TOOLS}.0.${SC.TOOL_JSON_SCHEMA}`,
  SC.LLM_PROMPTS,
  SC.LLM_INVOCATION_PARAMETERS,
  SC.INPUT_VALUE,
  SC.OUTPUT_VALUE,
];

const key: Arbitrary<string> = fc.oneof(
  fc.constantFrom(...TEMPLATES),
  fc.array(fc.constantFrom(...KEY_PIECES), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(".")),
);
const image: Arbitrary<string> = fc
  .tuple(fc.constantFrom("png", "jpeg"), fc.constantFrom("base64", "BASE64", "utf8"), fc.integer({ min: 0, max: 300 }))
  .map(([type, encoding, n]) => `data:image/${type};${encoding},${"A".repeat(n)}`);
const value: Arbitrary<AttributeValue> = fc.oneof(
  fc.string({ maxLength: 12 }),
  image,
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  // Finite: the `attributes` option is validated at decoration time and rejects ±Infinity (OTel would take it).
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 3 }),
);
const attributes: Arbitrary<Attributes> = fc.dictionary(key, value, { maxKeys: 8 });

const flags: Arbitrary<Required<HideOptions>> = fc.record({
  inputs: fc.boolean(), outputs: fc.boolean(), inputMessages: fc.boolean(), outputMessages: fc.boolean(),
  inputImages: fc.boolean(), inputText: fc.boolean(), outputText: fc.boolean(), embeddingVectors: fc.boolean(),
  prompts: fc.boolean(), llmTools: fc.boolean(), invocationParameters: fc.boolean(),
});

function maskCase(withUserAttributes: boolean): Arbitrary<MaskCase> {
  return fc.record(
    {
      shape: fc.constantFrom<MaskCase["shape"]>("sync", "async", "generator", "throw"),
      start: attributes,
      result: attributes,
      streamEnd: attributes,
      error: attributes,
      recorded: attributes,
      returned: fc.oneof(fc.string({ maxLength: 20 }), image, fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 })),
      ...(withUserAttributes ? { staticAttributes: attributes, contextAttributes: attributes } : {}),
    },
    { requiredKeys: ["shape", "returned"] },
  );
}

function toTraceConfig(hide: Required<HideOptions>, base64ImageMaxLength: number): TraceConfigOptions {
  const config: TraceConfigOptions = { base64ImageMaxLength };
  for (const [ours, theirs] of SHARED_FLAGS) config[theirs] = hide[ours];
  return config;
}

async function check(c: MaskCase, hide: Required<HideOptions>, base64ImageMaxLength: number): Promise<void> {
  resetCapture();
  configureCapture({ hide: UNMASKED, base64ImageMaxLength: 1_000_000_000 });
  const reference = await runCase(traces, c);
  resetCapture();
  configureCapture({ hide, base64ImageMaxLength });
  const masked = await runCase(traces, c);
  const expected = openInferenceMask(reference, toTraceConfig(hide, base64ImageMaxLength), hide.invocationParameters);
  const differences = diff(masked, expected);
  if (differences.length > 0) assert.fail(`calltree vs OpenInference, hide ${JSON.stringify(hide)}, base64 ${base64ImageMaxLength}:\n${differences.join("\n")}`);
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? "undefined";
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The keys on which two attribute sets differ, as `key: ours | theirs` lines. */
export function diff(ours: Attributes, theirs: Attributes): string[] {
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  const out: string[] = [];
  for (const k of keys) {
    if (JSON.stringify(ours[k]) !== JSON.stringify(theirs[k])) out.push(`  ${k}: calltree ${short(ours[k])} | OpenInference ${short(theirs[k])}`);
  }
  return out;
}

describe("masking matches OpenInference's rules (configureCapture)", () => {
  test("generated attributes through kind hooks, the recorder, and captured input and output", async (t) => {
    const p = params<unknown>(500);
    t.diagnostic(`${p.numRuns} generated cases`);
    await fc.assert(
      fc.asyncProperty(maskCase(false), flags, fc.integer({ min: 0, max: 300 }), async (c, hide, b64) => check(c, hide, b64)),
      p,
    );
  });

  test("also through the attributes option and withAttributes, when any flag is on", async (t) => {
    const p = params<unknown>(300);
    t.diagnostic(`${p.numRuns} generated cases`);
    await fc.assert(
      fc.asyncProperty(
        maskCase(true),
        flags.filter((f) => Object.values(f).some(Boolean)),
        fc.integer({ min: 0, max: 300 }),
        async (c, hide, b64) => check(c, hide, b64),
      ),
      p,
    );
  });

  test("a long base64 image given through the attributes option is redacted with no hide flag set", async () => {
    // Reproduction: `chain.wrap(fn, { attributes: { "input.images.0.image.url": "data:image/png;base64,…40k…" } })`
    // exports the image whole. OpenInference redacts long base64 images whatever the flags; calltree's engine
    // masks a span's start attributes only when a hide flag is on or a kind hook returned attributes, so user
    // attributes (the option, its function form, withAttributes) skip the base64 rule.
    const long = `data:image/png;base64,${"A".repeat(40_000)}`;
    const c: MaskCase = {
      shape: "sync",
      staticAttributes: { [`${SC.INPUT_IMAGES}.0.${SC.IMAGE_URL}`]: long },
      contextAttributes: { [`${SC.OUTPUT_IMAGES}.0.${SC.IMAGE_URL}`]: long },
      returned: "ok",
    };
    resetCapture();
    const masked = await runCase(traces, c);
    assert.equal(masked[`${SC.INPUT_IMAGES}.0.${SC.IMAGE_URL}`], OPENINFERENCE_REDACTED);
    assert.equal(masked[`${SC.OUTPUT_IMAGES}.0.${SC.IMAGE_URL}`], OPENINFERENCE_REDACTED);
  });
});

describe("kind hooks", () => {
  test("attribute objects returned by kind hooks are not modified by the engine", async () => {
    // Reproduction: a kind whose onResult returns a shared object, e.g. `onResult: () => SHARED`, finds
    // `output.value` and `output.mime_type` of the first call written into SHARED (and masked in place), so
    // they leak into every later call's span. The engine's resultAttributes, finishStream and fail write into
    // (and maskAttributes rewrites) the object the hook returned instead of a copy.
    resetCapture();
    configureCapture({ hide: { inputs: true } });
    const shared: Record<string, Attributes> = {
      result: { "custom.result": 1, [SC.INPUT_VALUE]: "from hook" },
      streamEnd: { "custom.stream": 2 },
      error: { "custom.error": 3, [SC.INPUT_VALUE]: "from hook" },
    };
    const before = structuredClone(shared);
    const kind = defineKind({
      name: "sharedHooks",
      spanKind: OpenInferenceSpanKind.CHAIN,
      onResult: () => shared.result,
      onStreamEnd: () => shared.streamEnd,
      onError: () => shared.error,
    });
    kind.wrap(function plainResult() { return "first"; })();
    for (const _ of kind.wrap(function* stream() { yield "chunk"; })()) { /* consume */ }
    try {
      kind.wrap(function failing() { throw new Error("x"); })();
    } catch { /* expected */ }
    assert.deepEqual(shared, before);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The same through real environment variables, in child processes (the configuration is read once per process).

const CHILD = fileURLToPath(new URL("./fixtures/hide-env-child.js", import.meta.url));

interface ChildResult {
  masked: Attributes;
  reference: Attributes;
  oracle: Attributes;
}

function runChild(env: Record<string, string>, cases: MaskCase[]): Promise<ChildResult[]> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OPENINFERENCE_"))) as Record<string, string>;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { env: { ...base, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`child exited with ${code}: ${err}`));
      else {
        try {
          resolve(JSON.parse(out) as ChildResult[]);
        } catch (e) {
          reject(new Error(`child printed no JSON (${(e as Error).message}): ${out.slice(0, 500)} ${err}`));
        }
      }
    });
    child.stdin.end(JSON.stringify(cases));
  });
}

/** A case that has an attribute of every family, so every flag has something to remove. */
const EVERY_FAMILY: MaskCase = {
  shape: "sync",
  start: Object.fromEntries(TEMPLATES.map((k, i) => [k, k.endsWith(SC.IMAGE_URL) ? `data:image/png;base64,${"B".repeat(100 + i)}` : `v${i}`])),
  recorded: { [SC.LLM_PROMPTS]: ["p"], [`${SC.EMBEDDING_EMBEDDINGS}.1.${SC.EMBEDDING_VECTOR}`]: [1, 2] },
  returned: { answer: "a" },
};

describe("masking through the real OPENINFERENCE_* environment variables (child processes)", () => {
  test("each variable alone, and generated combinations, remove exactly what OpenInference removes", async (t) => {
    const combos: Array<Record<string, string>> = [];
    // Each variable alone, spelled as users do.
    for (const [, , name] of SHARED_FLAGS) combos.push({ [name]: "true" });
    combos.push({ [INVOCATION_PARAMETERS_VARIABLE]: "TRUE" });
    combos.push({ OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH: "50" });
    // Generated combinations, with the image limit set or not.
    const generated = fc.sample(
      fc.record({
        hide: flags,
        spelling: fc.constantFrom("true", "TRUE", "True"),
        base64: fc.option(fc.integer({ min: 0, max: 300 })),
      }),
      { seed: SEED, numRuns: runs(8) },
    );
    for (const g of generated) {
      const env: Record<string, string> = {};
      for (const [ours, , name] of SHARED_FLAGS) if (g.hide[ours]) env[name] = g.spelling;
      if (g.hide.invocationParameters) env[INVOCATION_PARAMETERS_VARIABLE] = g.spelling;
      if (g.base64 !== null) env.OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH = String(g.base64);
      combos.push(env);
    }
    const cases = [EVERY_FAMILY, ...fc.sample(maskCase(false), { seed: SEED, numRuns: 6 })];
    t.diagnostic(`${combos.length} environments × ${cases.length} cases, two child processes at a time`);
    const queue = combos.map((env, i) => ({ env, i }));
    const failures: string[] = [];
    const worker = async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
        const results = await runChild(job.env, cases);
        assert.equal(results.length, cases.length);
        results.forEach((r, j) => {
          const differences = diff(r.masked, r.oracle);
          if (differences.length > 0) failures.push(`env ${JSON.stringify(job.env)}, case ${j}:\n${differences.join("\n")}`);
        });
        // Not vacuous: a hide variable changes what the span of the every-family case exports.
        const hides = Object.keys(job.env).some((k) => k.startsWith("OPENINFERENCE_HIDE_"));
        if (hides) assert.notDeepEqual(results[0]!.masked, results[0]!.reference, `env ${JSON.stringify(job.env)} changed nothing`);
      }
    };
    await Promise.all([worker(), worker()]);
    assert.equal(failures.length, 0, failures.join("\n"));
  });

  test("OPENINFERENCE_HIDE_INPUTS=true hides the input value and input messages of a plain decorated call", async () => {
    const [r] = await runChild({ OPENINFERENCE_HIDE_INPUTS: "true" }, [EVERY_FAMILY]);
    assert.ok(r !== undefined);
    assert.equal(r.masked[SC.INPUT_VALUE], OPENINFERENCE_REDACTED);
    assert.equal(SC.INPUT_MIME_TYPE in r.masked, false);
    assert.deepEqual(Object.keys(r.masked).filter((k) => k.startsWith(SC.LLM_INPUT_MESSAGES) || k.startsWith(SC.LLM_TOOLS)), []);
    assert.equal(r.masked[SC.OUTPUT_VALUE], r.reference[SC.OUTPUT_VALUE]);
  });
});
