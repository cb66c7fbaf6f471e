import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { context } from "@opentelemetry/api";
import { OITracer, setMetadata, setSession, setTags, setUser } from "@arizeai/openinference-core";
import { chain } from "@calltree/chain";
import {
  currentTraceId,
  suppressTracing,
  withAttributes,
  withMetadata,
  withPromptTemplate,
  withSession,
  withTags,
  withUser,
} from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import { tick } from "./helpers.js";

describe("context helpers", () => {
  test("session, user, metadata, tags, prompt template and attributes reach every span inside", async () => {
    using traces = captureTraces();
    class A {
      @chain async inner() { await tick(); return currentTraceId(); }
      @chain async outer() { return this.inner(); }
    }
    const result = withSession("conv-42", () =>
      withUser("ada", () =>
        withMetadata({ plan: "pro", apiKey: "sk-secret" }, () =>
          withMetadata({ region: "eu" }, () =>
            withTags(["beta"], () =>
              withTags(["search", "beta"], () =>
                withPromptTemplate({ template: "Hi {name}", variables: { name: "Ada" }, version: "v2" }, () =>
                  withAttributes({ "app.tier": "gold" }, () => new A().outer()))))))));
    const traceId = await result;
    for (const s of traces.spans) {
      assert.equal(s.spanContext().traceId, traceId);
      assert.equal(s.attributes["session.id"], "conv-42");
      assert.equal(s.attributes["user.id"], "ada");
      assert.equal(s.attributes["metadata"], '{"plan":"pro","apiKey":"[REDACTED]","region":"eu"}');
      assert.deepEqual(s.attributes["tag.tags"], ["beta", "search"]);
      assert.equal(s.attributes["llm.prompt_template.template"], "Hi {name}");
      assert.equal(s.attributes["llm.prompt_template.variables"], '{"name":"Ada"}');
      assert.equal(s.attributes["llm.prompt_template.version"], "v2");
      assert.equal(s.attributes["app.tier"], "gold");
    }
  });

  test("parallel calls never see each other's values", async () => {
    using traces = captureTraces();
    const work = chain.wrap(async function work(i: number) { await tick(); await tick(); return i; });
    await Promise.all(Array.from({ length: 50 }, (_, i) => withSession(`s${i}`, () => withUser(`u${i}`, () => work(i)))));
    assert.equal(traces.spans.length, 50);
    for (const s of traces.spans) {
      const i = s.attributes["input.value"];
      assert.equal(s.attributes["session.id"], `s${i}`);
      assert.equal(s.attributes["user.id"], `u${i}`);
    }
  });

  test("values set with @arizeai/openinference-core's setters show on calltree spans", () => {
    using traces = captureTraces();
    const f = chain.wrap(function f() { return 1; });
    let ctx = setSession(context.active(), { sessionId: "oi-session" });
    ctx = setUser(ctx, { userId: "oi-user" });
    ctx = setMetadata(ctx, { source: "oi" });
    ctx = setTags(ctx, ["oi-tag"]);
    context.with(ctx, () => f());
    const s = traces.spans[0]!;
    assert.equal(s.attributes["session.id"], "oi-session");
    assert.equal(s.attributes["user.id"], "oi-user");
    assert.equal(s.attributes["metadata"], '{"source":"oi"}');
    assert.deepEqual(s.attributes["tag.tags"], ["oi-tag"]);
  });

  test("values set with calltree's helpers show on spans of OpenInference's OITracer", () => {
    using traces = captureTraces();
    const oi = new OITracer({ tracer: traces.provider.getTracer("openinference-test") });
    withSession("ours", () => withMetadata({ k: "v" }, () => withUser("u1", () => {
      oi.startActiveSpan("oi-span", (span) => span.end());
    })));
    const s = traces.get({ name: "oi-span" });
    assert.equal(s.attributes["session.id"], "ours");
    assert.equal(s.attributes["user.id"], "u1");
    assert.equal(s.attributes["metadata"], '{"k":"v"}');
  });

  test("suppressTracing records nothing inside, and the function still runs", () => {
    using traces = captureTraces();
    const f = chain.wrap(function f(x: number) { return x + 1; });
    assert.equal(suppressTracing(() => f(1)), 2);
    assert.equal(traces.spans.length, 0);
    assert.equal(currentTraceId(), undefined);
  });

  test("helpers return exactly what the function returns", async () => {
    const obj = {};
    assert.equal(withSession("s", () => obj), obj);
    const p = Promise.resolve(1);
    assert.equal(withTags(["t"], () => p), p);
  });
});
