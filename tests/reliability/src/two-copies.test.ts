// Two copies in one process. (1) calltree twice: the ESM build of @calltree/chain (import) and its CJS build
// (createRequire), each with its own copy of @calltree/core. (2) @opentelemetry/api twice: the app's spans are
// made with a second API copy (1.9.0, installed under the alias otel-api-copy) while calltree uses 1.9.1.
// In both cases the spans must still form one tree, and a diagnostic should say that two copies met.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { diag, DiagLogLevel } from "@opentelemetry/api";
import { trace as traceCopy } from "otel-api-copy";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { chain } from "@calltree/chain";
import { CalltreeError, isCalltreeError, withSession } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";

const require = createRequire(import.meta.url);
const cjsChain = (require("@calltree/chain") as { chain: typeof chain }).chain;
const cjsCore = require("@calltree/core") as typeof import("@calltree/core");
const apiCopyVersion = versionOf("otel-api-copy");
const apiVersion = versionOf("@opentelemetry/api");

/** The version of an installed package whose `exports` hide its package.json. */
function versionOf(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}

interface AppWithApiCopy {
  result: number;
  registered: { tracerProvider: boolean; contextManager: boolean };
  spans: Array<{ name: string; traceId: string; spanId: string; parentSpanId?: string }>;
  diagnostics: string[];
}

let appRun: AppWithApiCopy | undefined;
/** Runs fixtures/api-copy-app.js once (a fresh process, where the app's API copy registers first). */
function appWithApiCopy(): AppWithApiCopy {
  if (appRun) return appRun;
  const child = spawnSync(process.execPath, [fileURLToPath(new URL("./fixtures/api-copy-app.js", import.meta.url))], { encoding: "utf8", timeout: 120_000 });
  assert.equal(child.status, 0, child.stderr);
  appRun = JSON.parse(child.stdout) as AppWithApiCopy;
  return appRun;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Collects `diag` warnings and errors (diag is shared by both API copies: it lives on the same global). */
function collectDiag(): { messages: string[]; stop(): void } {
  const messages: string[] = [];
  const push = (m: string) => messages.push(m);
  diag.setLogger({ error: push, warn: push, info: () => {}, debug: () => {}, verbose: () => {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return { messages, stop: () => diag.disable() };
}

/** Asserts that `spans` form the chain root → … → leaf, by name, in one trace. */
function assertChain(spans: readonly ReadableSpan[], names: readonly string[]): void {
  assert.equal(spans.length, names.length, `spans: ${spans.map((s) => s.name).join(", ")}`);
  const byName = new Map(spans.map((s) => [s.name, s]));
  const traceId = spans[0]!.spanContext().traceId;
  names.forEach((name, i) => {
    const span = byName.get(name);
    assert.ok(span, `span ${name}`);
    assert.equal(span.spanContext().traceId, traceId, `${name} is in the same trace`);
    const parent = i === 0 ? undefined : byName.get(names[i - 1]!)!.spanContext().spanId;
    assert.equal(span.parentSpanContext?.spanId, parent, `${name}'s parent is ${i === 0 ? "none" : names[i - 1]}`);
  });
}

describe("two copies of calltree (ESM and CJS builds in one process)", () => {
  test("they are separate module instances", () => {
    assert.notEqual(cjsChain, chain);
    assert.notEqual(cjsCore.withSession, withSession);
    assert.notEqual(cjsCore.CalltreeError, CalltreeError);
  });

  test("ESM calls CJS calls ESM, across await and timers: one trace, each span the child of the one before", async () => {
    using traces = captureTraces();
    const leaf = chain.wrap(function leaf(x: number) {
      return x * 2;
    });
    const middle = cjsChain.wrap(async function middle(x: number) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return leaf(x) + 1;
    });
    const root = chain.wrap(async function root(x: number) {
      await tick();
      return middle(x);
    });
    assert.equal(await cjsCore.withSession("session-two-copies", () => root(20)), 41);
    assertChain(traces.spans, ["root", "middle", "leaf"]);
    // Context set through one copy is seen by spans of the other.
    for (const span of traces.spans) assert.equal(span.attributes[SC.SESSION_ID], "session-two-copies", span.name);
  });

  test("decorators of both copies on one class: methods nest, `this` is kept", async () => {
    using traces = captureTraces();
    class Pipeline {
      factor = 3;
      @cjsChain
      async run(x: number): Promise<number> {
        return this.scale(x);
      }
      @chain
      scale(x: number): number {
        return x * this.factor;
      }
    }
    assert.equal(await new Pipeline().run(5), 15);
    assertChain(traces.spans, ["Pipeline.run", "Pipeline.scale"]);
  });

  test("a CalltreeError thrown by one copy is recognized by the other", () => {
    assert.throws(() => cjsChain.wrap(42 as never), (error: unknown) => {
      assert.equal(isCalltreeError(error), true);
      assert.equal(error instanceof CalltreeError, false, "another copy's class");
      return true;
    });
  });

  test(
    "a diagnostic says that two copies of @calltree/core are loaded",
    async () => {
      const log = collectDiag();
      try {
        using _traces = captureTraces();
        const inner = cjsChain.wrap(function inner() {
          return 1;
        });
        chain.wrap(function outer() {
          return inner();
        })();
      } finally {
        log.stop();
      }
      assert.ok(
        log.messages.some((m) => /two copies|copies of @calltree\/core|loaded twice/i.test(m)),
        `diagnostics: ${JSON.stringify(log.messages)}`,
      );
    },
  );
});

describe(`two copies of @opentelemetry/api (${apiVersion} used by calltree, ${apiCopyVersion} used by the app)`, () => {
  test("the versions really differ", () => {
    assert.notEqual(apiCopyVersion, apiVersion);
  });

  test("the app's spans (other API copy) and calltree's nest both ways: app → decorated → app → decorated", async () => {
    using traces = captureTraces({ global: true });
    const tracer = traceCopy.getTracer("app");
    const leaf = chain.wrap(async function leaf(x: number) {
      await tick();
      return x + 1;
    });
    let seenByCopy: string | undefined;
    const decorated = chain.wrap(async function decorated(x: number) {
      seenByCopy = traceCopy.getActiveSpan()?.spanContext().spanId;
      return tracer.startActiveSpan("app.inner", async (span) => {
        try {
          return await leaf(x);
        } finally {
          span.end();
        }
      });
    });
    const result = await tracer.startActiveSpan("app.request", async (span) => {
      try {
        return await decorated(1);
      } finally {
        span.end();
      }
    });
    assert.equal(result, 2);
    assertChain(traces.spans, ["app.request", "decorated", "app.inner", "leaf"]);
    assert.equal(seenByCopy, traces.get({ name: "decorated" }).spanContext().spanId, "the other copy sees the decorated span as active");
  });

  test("an app whose tracing is set up through the other copy first: calltree's spans land in the app's provider, nested", () => {
    const app = appWithApiCopy();
    assert.equal(app.result, 2);
    assert.deepEqual(app.registered, { tracerProvider: true, contextManager: true });
    const names = ["app.request", "decorated", "app.inner", "leaf"];
    assert.deepEqual(app.spans.map((s) => s.name).sort(), [...names].sort());
    const byName = new Map(app.spans.map((s) => [s.name, s]));
    names.forEach((name, i) => {
      const span = byName.get(name)!;
      assert.equal(span.traceId, app.spans[0]!.traceId, `${name} is in the same trace`);
      assert.equal(span.parentSpanId, i === 0 ? undefined : byName.get(names[i - 1]!)!.spanId, `${name}'s parent`);
    });
  });

  test("an app that registers through the other copy after calltree did: the API refuses, and says so naming both versions", async () => {
    // calltree's API copy registers first (and creates the global holder with its version).
    captureTraces({ global: true }).restore();
    const log = collectDiag();
    const provider = new BasicTracerProvider();
    let accepted: boolean;
    try {
      accepted = traceCopy.setGlobalTracerProvider(provider);
    } finally {
      log.stop();
      await provider.shutdown();
    }
    assert.equal(accepted, false);
    assert.equal(log.messages.length, 1, JSON.stringify(log.messages));
    assert.match(log.messages[0]!, new RegExp(`@opentelemetry/api: Registration of version v${apiVersion.replaceAll(".", "\\.")} for trace does not match previously registered API v${apiCopyVersion.replaceAll(".", "\\.")}`));
  });

  test(
    "a diagnostic says that two versions of @opentelemetry/api are in use",
    () => {
      const { diagnostics } = appWithApiCopy();
      assert.ok(
        diagnostics.some((m) => m.includes("@opentelemetry/api") && m.includes(apiCopyVersion) && m.includes(apiVersion)),
        `diagnostics: ${JSON.stringify(diagnostics)}`,
      );
    },
  );
});
