import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Attributes } from "@opentelemetry/api";
import { SpanStatusCode } from "@opentelemetry/api";
import { isCalltreeError } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import { evaluator } from "./index.js";

/** The `evaluations.*` attributes of a span, for exact comparison. */
function evaluations(attributes: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) if (k.startsWith("evaluations.")) out[k] = v;
  return out;
}

describe("@evaluator", () => {
  test("a number is a score named after the method; input and output are captured", () => {
    using traces = captureTraces();
    class Judge {
      @evaluator
      overlap(answer: string, reference: string) {
        const a = new Set(answer.split(" "));
        const words = reference.split(" ");
        return words.filter((w) => a.has(w)).length / words.length;
      }
    }
    assert.equal(new Judge().overlap("the cat sat", "the cat ran away"), 0.5);
    const span = traces.get({ name: "Judge.overlap" });
    assert.equal(span.attributes["openinference.span.kind"], "EVALUATOR");
    assert.equal(span.attributes["input.value"], '{"answer":"the cat sat","reference":"the cat ran away"}');
    assert.equal(span.attributes["output.value"], "0.5");
    assert.deepEqual(evaluations(span.attributes), {
      "evaluations.0.evaluation.name": "overlap",
      "evaluations.0.evaluation.score": 0.5,
    });
  });

  test("a boolean is score 1/0 with label true/false; a string is a label", () => {
    using traces = captureTraces();
    const exact = evaluator.wrap(function exactMatch(a: string, b: string) { return a === b; }, { annotatorKind: "CODE" });
    const tone = evaluator.wrap(async function tone(_text: string) { return "polite"; }, { metric: "tone", annotatorKind: "LLM" });
    exact("x", "y");
    return tone("thanks!").then((label) => {
      assert.equal(label, "polite");
      assert.deepEqual(evaluations(traces.get({ name: "exactMatch" }).attributes), {
        "evaluations.0.evaluation.name": "exactMatch",
        "evaluations.0.evaluation.score": 0,
        "evaluations.0.evaluation.label": "false",
        "evaluations.0.evaluation.annotator_kind": "CODE",
      });
      assert.deepEqual(evaluations(traces.get({ name: "tone" }).attributes), {
        "evaluations.0.evaluation.name": "tone",
        "evaluations.0.evaluation.label": "polite",
        "evaluations.0.evaluation.annotator_kind": "LLM",
      });
    });
  });

  test("a result object records every field; metadata as JSON", async () => {
    using traces = captureTraces();
    class Hallucination {
      @evaluator({ name: "hallucination-judge", annotatorKind: "LLM" })
      async judge(_output: string, _context: string[]) {
        return {
          name: "hallucination",
          score: 1,
          label: "hallucinated",
          explanation: "The claim is not supported by the context.",
          identifier: "judge-v2",
          metadata: { rubric: 2, model: "gpt-4o-mini" },
        };
      }
    }
    await new Hallucination().judge("Paris is in Spain", ["Paris is in France"]);
    assert.deepEqual(evaluations(traces.get({ name: "hallucination-judge" }).attributes), {
      "evaluations.0.evaluation.name": "hallucination",
      "evaluations.0.evaluation.score": 1,
      "evaluations.0.evaluation.label": "hallucinated",
      "evaluations.0.evaluation.explanation": "The claim is not supported by the context.",
      "evaluations.0.evaluation.annotator_kind": "LLM",
      "evaluations.0.evaluation.identifier": "judge-v2",
      "evaluations.0.evaluation.metadata": '{"rubric":2,"model":"gpt-4o-mini"}',
    });
  });

  test("LangSmith/openevals-style results ({ key, score, comment }), arrays and { results }", () => {
    using traces = captureTraces();
    evaluator.wrap(function openevals() { return { key: "correctness", score: true, comment: "Matches the reference." }; })();
    evaluator.wrap(function several() {
      return [{ name: "relevance", score: 0.8 }, { name: "fluency", value: "good" }, { name: "empty" }, 0.1];
    }, { name: "rag-evals" })();
    evaluator.wrap(function wrapped() { return { results: [{ key: "brevity", value: 3, reasoning: "short" }] }; })();
    assert.deepEqual(evaluations(traces.get({ name: "openevals" }).attributes), {
      "evaluations.0.evaluation.name": "correctness",
      "evaluations.0.evaluation.score": 1,
      "evaluations.0.evaluation.explanation": "Matches the reference.",
    });
    assert.deepEqual(evaluations(traces.get({ name: "rag-evals" }).attributes), {
      "evaluations.0.evaluation.name": "relevance",
      "evaluations.0.evaluation.score": 0.8,
      "evaluations.1.evaluation.name": "fluency",
      "evaluations.1.evaluation.label": "good",
      "evaluations.2.evaluation.name": "rag-evals",
      "evaluations.2.evaluation.score": 0.1,
    });
    assert.deepEqual(evaluations(traces.get({ name: "wrapped" }).attributes), {
      "evaluations.0.evaluation.name": "brevity",
      "evaluations.0.evaluation.score": 3,
      "evaluations.0.evaluation.explanation": "short",
    });
  });

  test("evaluator.record() adds results; the return value is then not read", () => {
    using traces = captureTraces();
    class Suite {
      @evaluator({ annotatorKind: "CODE" })
      run(answer: string) {
        evaluator.record({ name: "length", score: answer.length });
        evaluator.record([{ name: "has-digits", score: /\d/.test(answer), annotatorKind: "HUMAN" }, { label: "ok" }]);
        return "done";
      }
    }
    assert.equal(new Suite().run("abc1"), "done");
    const span = traces.get({ name: "Suite.run" });
    assert.deepEqual(evaluations(span.attributes), {
      "evaluations.0.evaluation.name": "length",
      "evaluations.0.evaluation.score": 4,
      "evaluations.0.evaluation.annotator_kind": "CODE",
      "evaluations.1.evaluation.name": "has-digits",
      "evaluations.1.evaluation.score": 1,
      "evaluations.1.evaluation.annotator_kind": "HUMAN",
      "evaluations.2.evaluation.name": "run",
      "evaluations.2.evaluation.label": "ok",
      "evaluations.2.evaluation.annotator_kind": "CODE",
    });
    assert.equal(span.attributes["output.value"], "done");
  });

  test("evaluator.record() outside an @evaluator call does nothing and does not throw", () => {
    using traces = captureTraces();
    evaluator.record({ score: 1 });
    assert.equal(traces.spans.length, 0);
  });

  test("malformed results are recorded safely and returned unchanged", () => {
    using traces = captureTraces();
    const hostile = new Proxy({}, { get() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); } });
    const values: unknown[] = [NaN, Infinity, "", null, undefined, {}, { name: "no-result" }, { score: "high" }, hostile, { results: "x" }, [null, hostile], Symbol("s"), () => 1];
    for (const value of values) {
      // Sync on purpose: an async function returning this Proxy would reject by itself (its `then` getter throws).
      const f = evaluator.wrap(function odd() { return value; });
      assert.equal(f(), value);
    }
    const spans = traces.find({ name: "odd" });
    assert.equal(spans.length, values.length);
    for (const span of spans) {
      assert.deepEqual(evaluations(span.attributes), {});
      assert.equal(span.status.code, SpanStatusCode.UNSET);
    }
  });

  test("errors are recorded and rethrown unchanged", async () => {
    using traces = captureTraces();
    const failure = new Error("judge unavailable");
    const judge = evaluator.wrap(async function judge(): Promise<number> { throw failure; });
    await assert.rejects(judge(), (e) => e === failure);
    const span = traces.get({ name: "judge" });
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.deepEqual(evaluations(span.attributes), {});
  });

  test("invalid options throw a CalltreeError naming the option when the class is defined", () => {
    const cases: [object, RegExp][] = [
      [{ annotatorKind: "" }, /option `annotatorKind`/],
      [{ annotatorKind: 1 }, /option `annotatorKind`/],
      [{ metric: false }, /option `metric`/],
      [{ threshold: 0.5 }, /unknown option `threshold`/],
    ];
    for (const [opts, pattern] of cases) {
      assert.throws(
        () => {
          class Bad {
            @evaluator(opts as any)
            check() { return 1; }
          }
          return Bad;
        },
        (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS" && pattern.test(e.message),
        JSON.stringify(opts),
      );
    }
  });
});
