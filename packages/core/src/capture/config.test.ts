import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CalltreeError } from "../errors.js";
import { captureConfig, configureCapture, DEFAULT_REDACT_KEYS, HIDE_ENVIRONMENT_VARIABLES, resetCapture } from "./config.js";
import type { HideOptions } from "./config.js";

afterEach(() => resetCapture());

function redacts(key: string): boolean {
  const redact = captureConfig().redact;
  assert.ok(redact !== undefined, "redaction is on");
  return redact(key);
}

/** Sets environment variables for the duration of `fn`, then puts the previous values back. */
function withEnv(vars: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) delete process.env[k];
      else process.env[k] = value;
    }
  };
  apply(vars);
  try {
    fn();
  } finally {
    apply(saved);
    resetCapture();
  }
}

describe("redaction key matching", () => {
  test("every default key matches itself in any case and with - or _ separators", () => {
    for (const key of DEFAULT_REDACT_KEYS) {
      assert.equal(redacts(key), true, key);
      assert.equal(redacts(key.toUpperCase()), true, key.toUpperCase());
      const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      assert.equal(redacts(snake), true, snake);
      const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      assert.equal(redacts(kebab), true, kebab);
    }
  });

  test("keys that end with a default key match; keys that only contain one do not", () => {
    const secret = [
      "openai_api_key", "OPENAI_API_KEY", "x-api-key", "X-Api-Key", "proxyAuthorization", "db_password", "DB.PASSWORD",
      "clientSecret", "client_secret", "refresh_token", "accessToken", "id_token", "AWS_SECRET_ACCESS_KEY",
      "aws_access_key", "ssh_passphrase", "Set-Cookie", "googleCredentials", "user.credential", "sshPrivateKey",
      "stripeSecretKey", "session_key",
    ];
    for (const key of secret) assert.equal(redacts(key), true, key);
    const plain = [
      "tokens", "max_tokens", "prompt_tokens", "tokenCount", "token_count", "completion_tokens_details", "keyword",
      "monkey", "secretary", "author", "passage", "session", "sessionId", "cookies_enabled", "api", "key", "password_hint",
      "apiKeyId", "", "__proto__", "constructor",
    ];
    for (const key of plain) assert.equal(redacts(key), false, key);
  });

  test("a custom list replaces the default one; strings match as suffixes, regular expressions the raw key", () => {
    configureCapture({ redactKeys: ["ssn", /^X-Internal-/] });
    assert.equal(redacts("user_ssn"), true);
    assert.equal(redacts("X-Internal-Trace"), true);
    assert.equal(redacts("x-internal-trace"), false);
    assert.equal(redacts("apiKey"), false);
  });

  test("a global or sticky regular expression matches every time, not every other time", () => {
    configureCapture({ redactKeys: [/secret/g, /hidden/y] });
    // Distinct keys so the per-key cache does not hide a stale lastIndex.
    for (let i = 0; i < 5; i++) {
      assert.equal(redacts(`my_secret_${i}`), true, `my_secret_${i}`);
      assert.equal(redacts(`hidden${i}`), true, `hidden${i}`);
    }
  });

  test("redactKeys: false turns redaction off", () => {
    configureCapture({ redactKeys: false });
    assert.equal(captureConfig().redact, undefined);
  });

  test("the match cache stays correct past its bound", () => {
    for (let i = 0; i < 12_000; i++) redacts(`field_${i}`);
    assert.equal(redacts("apiKey"), true);
    assert.equal(redacts("field_3"), false);
  });

  test("the match cache answers for keys named like Object.prototype's, and nothing added to it answers", () => {
    for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      assert.equal(redacts(key), false, key);
      assert.equal(redacts(key), false, `${key}, cached`);
    }
    const proto = Object.prototype as Record<string, unknown>;
    proto["password"] = false;
    proto["role"] = true;
    try {
      assert.equal(redacts("password"), true, "a polluted false does not let a secret through");
      assert.equal(redacts("role"), false, "a polluted true does not redact");
    } finally {
      delete proto["password"];
      delete proto["role"];
    }
    const long = `${"x".repeat(80)}_token`;
    assert.equal(redacts(long), true, "keys too long to be kept are judged every time");
    assert.equal(redacts(long), true);
  });
});

describe("configureCapture validation", () => {
  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    ["maxValueLength below 64", { maxValueLength: 10 }, /`maxValueLength` must be an integer >= 64, got 10/],
    ["maxValueLength not an integer", { maxValueLength: 100.5 }, /`maxValueLength` must be an integer >= 64, got 100.5/],
    ["maxDepth zero", { maxDepth: 0 }, /`maxDepth` must be an integer >= 1, got 0/],
    ["maxDepth a string", { maxDepth: "3" }, /`maxDepth` must be an integer >= 1, got 3/],
    ["base64ImageMaxLength negative", { base64ImageMaxLength: -1 }, /`base64ImageMaxLength` must be an integer >= 0, got -1/],
    ["streamIdleTimeoutMs zero", { streamIdleTimeoutMs: 0 }, /`streamIdleTimeoutMs` must be an integer >= 1, got 0/],
    ["redactKeys a string", { redactKeys: "apiKey" }, /`redactKeys` must be an array of strings or regular expressions, or false/],
    ["unknown hide flag", { hide: { inputz: true } }, /unknown hide flag `inputz`; known flags: inputs, outputs,/],
  ];
  for (const [name, options, message] of invalid) {
    test(`rejects ${name} with INVALID_CAPTURE_OPTIONS and leaves the configuration as it was`, () => {
      const before = captureConfig();
      assert.throws(
        () => configureCapture(options as never),
        (e) => e instanceof CalltreeError && e.code === "INVALID_CAPTURE_OPTIONS" && message.test(e.message),
      );
      assert.equal(captureConfig(), before);
    });
  }

  test("unset fields keep their current value", () => {
    configureCapture({ maxValueLength: 1000, hide: { inputs: true } });
    configureCapture({ maxDepth: 5 });
    const c = captureConfig();
    assert.equal(c.maxValueLength, 1000);
    assert.equal(c.maxDepth, 5);
    assert.equal(c.hide.inputs, true);
    assert.equal(c.masking, true);
  });

  test("masking is on exactly when some hide flag is set", () => {
    assert.equal(captureConfig().masking, false);
    configureCapture({ hide: { embeddingVectors: true } });
    assert.equal(captureConfig().masking, true);
    configureCapture({ hide: { embeddingVectors: false } });
    assert.equal(captureConfig().masking, false);
  });

  test("defaults", () => {
    const c = captureConfig();
    assert.equal(c.maxValueLength, 32_768);
    assert.equal(c.maxDepth, 32);
    assert.equal(c.base64ImageMaxLength, 32_000);
    assert.equal(c.streamIdleTimeoutMs, 300_000);
    assert.equal(Object.values(c.hide).some(Boolean), false);
  });
});

describe("OPENINFERENCE_HIDE_* environment variables", () => {
  const FLAG_OF: Record<string, keyof HideOptions> = {
    OPENINFERENCE_HIDE_INPUTS: "inputs",
    OPENINFERENCE_HIDE_OUTPUTS: "outputs",
    OPENINFERENCE_HIDE_INPUT_MESSAGES: "inputMessages",
    OPENINFERENCE_HIDE_OUTPUT_MESSAGES: "outputMessages",
    OPENINFERENCE_HIDE_INPUT_IMAGES: "inputImages",
    OPENINFERENCE_HIDE_INPUT_TEXT: "inputText",
    OPENINFERENCE_HIDE_OUTPUT_TEXT: "outputText",
    OPENINFERENCE_HIDE_EMBEDDING_VECTORS: "embeddingVectors",
    OPENINFERENCE_HIDE_PROMPTS: "prompts",
    OPENINFERENCE_HIDE_LLM_TOOLS: "llmTools",
    OPENINFERENCE_HIDE_LLM_INVOCATION_PARAMETERS: "invocationParameters",
  };

  test("the list of variables is OpenInference's, plus the invocation-parameters one", () => {
    assert.deepEqual([...HIDE_ENVIRONMENT_VARIABLES].sort(), Object.keys(FLAG_OF).sort());
  });

  test("each variable sets exactly its own flag", () => {
    for (const [name, flag] of Object.entries(FLAG_OF)) {
      withEnv({ [name]: "true" }, () => {
        resetCapture();
        const hide = captureConfig().hide;
        for (const [other, value] of Object.entries(hide)) assert.equal(value, other === flag, `${name} -> ${other}`);
        assert.equal(captureConfig().masking, true);
      });
    }
  });

  test("true, 1 and yes (any case, trimmed) turn a flag on; anything else leaves it off", () => {
    for (const raw of ["true", "TRUE", " True ", "1", "yes", "YES"]) {
      withEnv({ OPENINFERENCE_HIDE_INPUTS: raw }, () => {
        resetCapture();
        assert.equal(captureConfig().hide.inputs, true, JSON.stringify(raw));
      });
    }
    for (const raw of ["false", "0", "", "no", "on", "truthy"]) {
      withEnv({ OPENINFERENCE_HIDE_INPUTS: raw }, () => {
        resetCapture();
        assert.equal(captureConfig().hide.inputs, false, JSON.stringify(raw));
      });
    }
  });

  test("an explicit configureCapture value wins over the environment", () => {
    withEnv({ OPENINFERENCE_HIDE_OUTPUTS: "true" }, () => {
      resetCapture();
      configureCapture({ hide: { outputs: false } });
      assert.equal(captureConfig().hide.outputs, false);
    });
  });

  test("OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH sets the image limit; invalid values keep the default", () => {
    withEnv({ OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH: "1000" }, () => {
      resetCapture();
      assert.equal(captureConfig().base64ImageMaxLength, 1000);
    });
    for (const raw of ["-5", "abc", " ", "Infinity"]) {
      withEnv({ OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH: raw }, () => {
        resetCapture();
        assert.equal(captureConfig().base64ImageMaxLength, 32_000, JSON.stringify(raw));
      });
    }
  });
});
