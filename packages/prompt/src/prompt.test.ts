import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Attributes } from "@opentelemetry/api";
import { SpanStatusCode } from "@opentelemetry/api";
import { isCalltreeError, withPromptTemplate } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import { prompt } from "./index.js";

/** The `llm.prompt_template.*` and `prompt.*` attributes of a span, for exact comparison. */
function promptAttributes(attributes: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) {
    if (k.startsWith("llm.prompt_template.") || k.startsWith("prompt.")) out[k] = v;
  }
  return out;
}

function render(template: string, variables: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => String(variables[name] ?? ""));
}

const QA = "Answer {question} using {context}";

describe("@prompt", () => {
  test("(variables) => string with template and version options", () => {
    using traces = captureTraces();
    class Prompts {
      @prompt({ template: QA, version: "v3" })
      qa(variables: { question: string; context: string }) {
        return render(QA, variables);
      }
    }
    const text = new Prompts().qa({ question: "why?", context: "because" });
    assert.equal(text, "Answer why? using because");
    const span = traces.get({ name: "Prompts.qa" });
    assert.equal(span.attributes["openinference.span.kind"], "PROMPT");
    assert.deepEqual(promptAttributes(span.attributes), {
      "llm.prompt_template.template": QA,
      "llm.prompt_template.version": "v3",
      "llm.prompt_template.variables": '{"question":"why?","context":"because"}',
    });
    assert.equal(span.attributes["input.value"], '{"question":"why?","context":"because"}');
    assert.equal(span.attributes["input.mime_type"], "application/json");
    assert.equal(span.attributes["output.value"], "Answer why? using because");
    assert.equal(span.attributes["output.mime_type"], "text/plain");
  });

  test("a (template, variables) call records the template it was given; async and chat-message results", async () => {
    using traces = captureTraces();
    const renderPrompt = prompt.wrap(async function renderPrompt(template: string, variables: Record<string, unknown>) {
      return [{ role: "system", content: "Be brief." }, { role: "user", content: render(template, variables) }];
    });
    const messages = await renderPrompt("Hi {name}", { name: "Ada" });
    assert.equal(messages[1]!.content, "Hi Ada");
    const span = traces.get({ name: "renderPrompt" });
    assert.deepEqual(promptAttributes(span.attributes), {
      "llm.prompt_template.template": "Hi {name}",
      "llm.prompt_template.variables": '{"name":"Ada"}',
    });
    assert.equal(span.attributes["output.value"], '[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi Ada"}]');
    assert.equal(span.attributes["output.mime_type"], "application/json");
  });

  test("the variables mapper names positional arguments; vendor, promptId and promptUrl", () => {
    using traces = captureTraces();
    class Hub {
      @prompt({
        template: "Summarize {text} in {words} words",
        vendor: "phoenix",
        promptId: "UHJvbXB0OjE=",
        promptUrl: "http://127.0.0.1:6006/prompts/UHJvbXB0OjE=",
        variables: (text: string, words: number) => ({ text, words }),
      })
      summarize(text: string, words: number) {
        return `Summarize ${text} in ${words} words`;
      }
    }
    new Hub().summarize("the report", 50);
    assert.deepEqual(promptAttributes(traces.get({ name: "Hub.summarize" }).attributes), {
      "llm.prompt_template.template": "Summarize {text} in {words} words",
      "llm.prompt_template.variables": '{"text":"the report","words":50}',
      "prompt.vendor": "phoenix",
      "prompt.id": "UHJvbXB0OjE=",
      "prompt.url": "http://127.0.0.1:6006/prompts/UHJvbXB0OjE=",
    });
  });

  test("a throwing variables mapper loses the variables only; the call goes on", () => {
    using traces = captureTraces();
    const p = prompt.wrap(function flaky(x: string) { return x; }, {
      template: "{x}",
      variables: () => {
        throw new Error("mapper bug");
      },
    });
    assert.equal(p("value"), "value");
    assert.deepEqual(promptAttributes(traces.get({ name: "flaky" }).attributes), {
      "llm.prompt_template.template": "{x}",
    });
  });

  test("prompt.record() records a template known only at run time", async () => {
    using traces = captureTraces();
    const hub = new Map([["greeting", { template: "Hello {who}", version: "7" }]]);
    class Loader {
      @prompt({ vendor: "local-hub" })
      async load(name: string, who: string) {
        const entry = hub.get(name)!;
        prompt.record({ template: entry.template, version: entry.version, variables: { who } });
        return entry.template.replace("{who}", who);
      }
    }
    assert.equal(await new Loader().load("greeting", "world"), "Hello world");
    assert.deepEqual(promptAttributes(traces.get({ name: "Loader.load" }).attributes), {
      "prompt.vendor": "local-hub",
      "llm.prompt_template.template": "Hello {who}",
      "llm.prompt_template.version": "7",
      "llm.prompt_template.variables": '{"who":"world"}',
    });
  });

  test("prompt.record() outside a @prompt call does nothing and does not throw", () => {
    using traces = captureTraces();
    prompt.record({ template: "x" });
    assert.equal(traces.spans.length, 0);
  });

  test("inside withPromptTemplate(): the method's own options win; without options the context's template shows", () => {
    using traces = captureTraces();
    const own = prompt.wrap(function own(v: { a: number }) { return `a=${v.a}`; }, { template: "a={a}", version: "1" });
    const plain = prompt.wrap(function plain(s: string) { return s; });
    withPromptTemplate({ template: "outer {b}", variables: { b: 2 }, version: "9" }, () => {
      own({ a: 1 });
      plain("text");
    });
    assert.deepEqual(promptAttributes(traces.get({ name: "own" }).attributes), {
      "llm.prompt_template.template": "a={a}",
      "llm.prompt_template.version": "1",
      "llm.prompt_template.variables": '{"a":1}',
    });
    assert.deepEqual(promptAttributes(traces.get({ name: "plain" }).attributes), {
      "llm.prompt_template.template": "outer {b}",
      "llm.prompt_template.version": "9",
      "llm.prompt_template.variables": '{"b":2}',
    });
  });

  test("odd variables are recorded safely (cycles, BigInt, secrets) and the result is unchanged", () => {
    using traces = captureTraces();
    const variables: Record<string, unknown> = { n: 10n, apiKey: "sk-live-123" };
    variables.self = variables;
    const p = prompt.wrap(function odd(v: Record<string, unknown>) { return v; }, { template: "{n}" });
    assert.equal(p(variables), variables);
    const attrs = promptAttributes(traces.get({ name: "odd" }).attributes);
    assert.deepEqual(attrs, {
      "llm.prompt_template.template": "{n}",
      "llm.prompt_template.variables": '{"n":"10n","apiKey":"[REDACTED]","self":"[Circular]"}',
    });
    for (const args of [[], [null], [42], ["only a string"], [[1, 2]], [new Map([["k", 1]])]]) {
      const f = prompt.wrap(function shapes(..._a: unknown[]) { return "ok"; });
      assert.equal(f(...args), "ok");
    }
    for (const span of traces.find({ name: "shapes" })) assert.deepEqual(promptAttributes(span.attributes), {});
    assert.equal(traces.find({ name: "shapes" }).length, 6);
  });

  test("errors are recorded and rethrown unchanged, with the template", () => {
    using traces = captureTraces();
    const failure = new Error("missing variable");
    const p = prompt.wrap(function strict(_v: object): string { throw failure; }, { template: "{x}" });
    assert.throws(() => p({}), (e) => e === failure);
    const span = traces.get({ name: "strict" });
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.deepEqual(promptAttributes(span.attributes), {
      "llm.prompt_template.template": "{x}",
      "llm.prompt_template.variables": "{}",
    });
  });

  test("invalid options throw a CalltreeError naming the option when the class is defined", () => {
    const cases: [object, RegExp][] = [
      [{ template: 5 }, /option `template`/],
      [{ version: 2 }, /option `version`/],
      [{ version: "" }, /option `version`/],
      [{ variables: "question" }, /option `variables`/],
      [{ promptUrl: 1 }, /option `promptUrl`/],
      [{ id: "x" }, /unknown option `id`/],
    ];
    for (const [opts, pattern] of cases) {
      assert.throws(
        () => {
          class Bad {
            @prompt(opts as any)
            render() { return ""; }
          }
          return Bad;
        },
        (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS" && pattern.test(e.message),
        JSON.stringify(opts),
      );
    }
  });
});
