// Core's public surface, entry by entry: every runtime name is listed here on purpose, so adding or removing one is
// a visible decision (and a line in the CHANGELOG), not a side effect of an `export`.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as app from "./index.js";
import * as kind from "./kind.js";
import * as sdk from "./sdk.js";
import { TRACER_VERSION } from "./sdk.js";

const APP = [
  "CalltreeError",
  "DEFAULT_REDACT_KEYS",
  "FIRST_TOKEN_EVENT",
  "HIDE_ENVIRONMENT_VARIABLES",
  "OPENINFERENCE_REDACTED",
  "REDACTED",
  "STREAM_STATE",
  "TRUNCATION_MARKER",
  "configureCapture",
  "currentTraceId",
  "decoratedMethods",
  "isCalltreeError",
  "resetCapture",
  "suppressTracing",
  "traceHeaders",
  "withAttributes",
  "withMetadata",
  "withPromptTemplate",
  "withSession",
  "withTags",
  "withTraceHeaders",
  "withUser",
];

const KIND = [
  "AttributeList",
  "CalltreeError",
  "DOCUMENT_CONTENT_KEYS",
  "FIRST_TOKEN_EVENT",
  "REDACTED",
  "TRUNCATION_MARKER",
  "copyFunctionShape",
  "defineKind",
  "documentKey",
  "hasRedactedJsonKey",
  "hasRedactedKey",
  "isCalltreeError",
  "isRecord",
  "isScoredPair",
  "read",
  "readFirst",
  "safeJson",
  "toDocument",
  "truncateText",
  "writeDocument",
  "writeDocuments",
];

const SDK = [
  "TRACER_NAME",
  "TRACER_VERSION",
  "createCalltreeSpanProcessor",
  "currentTracerProvider",
  "globalTracerDelegate",
  "handOverModelPrices",
  "hasContextManager",
  "hasModelPriceSetter",
  "isNoopTracerProvider",
  "provideModelPriceSetter",
  "sharedPart",
  "useTracerProvider",
];

describe("core's entries", () => {
  test("@calltree/core (apps) exports exactly these runtime names", () => {
    assert.deepEqual(Object.keys(app).sort(), APP);
  });

  test("@calltree/core/kind (kind authors) exports exactly these runtime names", () => {
    assert.deepEqual(Object.keys(kind).sort(), KIND);
  });

  test("@calltree/core/sdk (SDK wiring) exports exactly these runtime names", () => {
    assert.deepEqual(Object.keys(sdk).sort(), SDK);
  });

  test("a name in two entries is one and the same object", () => {
    for (const name of Object.keys(kind)) {
      if (name in app) assert.equal((kind as Record<string, unknown>)[name], (app as Record<string, unknown>)[name], name);
    }
  });

  test("the version in the instrumentation scope and the global slot is the package's", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    assert.equal(TRACER_VERSION, manifest.version);
  });

  test("no entry's declarations expose a symbol documented @internal", () => {
    for (const entry of ["index", "kind", "sdk"]) {
      const names = Object.keys(entry === "index" ? app : entry === "kind" ? kind : sdk);
      for (const name of names) {
        // The declaration file that defines `name` is the one its entry re-exports it from.
        const text = readFileSync(new URL(`./${entry}.d.ts`, import.meta.url), "utf8");
        const from = new RegExp(`export \\{[^}]*\\b${name}\\b[^}]*\\} from "(\\./[^"]+)\\.js"`).exec(text)?.[1];
        assert.ok(from, `${entry}.d.ts re-exports ${name}`);
        const declaration = readFileSync(new URL(`${from}.d.ts`, import.meta.url), "utf8");
        const doc = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export (?:declare )?(?:function|const|class) ${name}\\b`).exec(declaration)?.[1];
        assert.ok(doc === undefined || !doc.includes("@internal"), `${entry}: ${name} is documented @internal`);
      }
    }
  });
});
