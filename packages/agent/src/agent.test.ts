import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { defineKind, isCalltreeError } from "@calltree/core/kind";
import { captureTraces } from "@calltree/testing";
import type { CapturedTraces } from "@calltree/testing";
import { tool } from "@calltree/tool";
import { agent } from "./index.js";

const tick = () => new Promise<void>((r) => setTimeout(r, 1));
const idOf = (s: ReturnType<CapturedTraces["get"]>) => s.spanContext().spanId;

function throwsOption(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isCalltreeError(e), `expected a CalltreeError, got ${String(e)}`);
    assert.equal((e as { code: string }).code, "INVALID_OPTIONS");
    assert.match((e as Error).message, pattern);
    return true;
  });
}

describe("@agent records the agent and its graph node", () => {
  test("agent.name is the class name; graph.node.id is the span id; a top-level agent has no parent id", async () => {
    using traces = captureTraces();
    class Researcher {
      @agent async run(question: string) {
        await tick();
        return `answer to ${question}`;
      }
    }
    assert.equal(await new Researcher().run("why?"), "answer to why?");
    const span = traces.get({ name: "Researcher.run" });
    assert.equal(span.attributes["openinference.span.kind"], "AGENT");
    assert.equal(span.attributes["agent.name"], "Researcher");
    assert.equal(span.attributes["graph.node.name"], "Researcher");
    assert.equal(span.attributes["graph.node.id"], idOf(span));
    assert.equal("graph.node.parent_id" in span.attributes, false);
    assert.equal(span.attributes["input.value"], "why?");
    assert.equal(span.attributes["output.value"], "answer to why?");
  });

  test("the `name` option names the agent, its graph node and its span", () => {
    using traces = captureTraces();
    class Bot {
      @agent({ name: "support-bot" }) reply(text: string) {
        return text.toUpperCase();
      }
    }
    new Bot().reply("hi");
    const span = traces.get({ name: "support-bot" });
    assert.equal(span.attributes["agent.name"], "support-bot");
    assert.equal(span.attributes["graph.node.name"], "support-bot");
  });

  test("agent.wrap: the function name, or the `name` option", async () => {
    using traces = captureTraces();
    const triage = agent.wrap(async function triage(ticket: string) {
      return `triaged ${ticket}`;
    });
    const named = agent.wrap((x: number) => x * 2, { name: "doubler" });
    assert.equal(await triage("T-1"), "triaged T-1");
    assert.equal(named(4), 8);
    const t = traces.get({ name: "triage" });
    assert.equal(t.attributes["agent.name"], "triage");
    assert.equal(t.attributes["graph.node.id"], idOf(t));
    assert.equal(traces.get({ name: "doubler" }).attributes["agent.name"], "doubler");
  });

  test("a wrapped function stored on an object literal is named after the function, not Object", () => {
    using traces = captureTraces();
    const agents = { plan: agent.wrap(function plan() {
      return "ok";
    }) };
    agents.plan();
    assert.equal(traces.get({ name: "plan" }).attributes["agent.name"], "plan");
  });

  test("a static method is named after its class", () => {
    using traces = captureTraces();
    class Orchestrator {
      @agent static start() {
        return 1;
      }
    }
    Orchestrator.start();
    assert.equal(traces.get({ name: "Orchestrator.start" }).attributes["agent.name"], "Orchestrator");
  });

  test("an agent class inheriting its @agent method is named after itself", async () => {
    using traces = captureTraces();
    class BaseAgent {
      @agent async run(task: string) {
        return `${this.constructor.name} did ${task}`;
      }
    }
    class Writer extends BaseAgent {}
    class Critic extends BaseAgent {}
    await new Writer().run("draft");
    await new Critic().run("review");
    const names = traces.find({ kind: "AGENT" }).map((s) => [s.name, s.attributes["agent.name"]]);
    assert.deepEqual(names, [
      ["BaseAgent.run", "Writer"],
      ["BaseAgent.run", "Critic"],
    ]);
  });

  test("a method called without `this` is named after the method", () => {
    using traces = captureTraces();
    class Lone {
      @agent act() {
        return 1;
      }
    }
    const act = new Lone().act;
    act();
    assert.equal(traces.get({ kind: "AGENT" }).attributes["agent.name"], "act");
  });
});

describe("@agent draws the agent graph: graph.node.parent_id", () => {
  test("agent → agent → tool: each agent points at the enclosing agent's node; the tool nests under its agent", async () => {
    using traces = captureTraces();
    class Researcher {
      @tool({ description: "Search the web" }) async search(args: { q: string }) {
        await tick();
        return [`result for ${args.q}`];
      }
      @agent async research(topic: string) {
        return (await this.search({ q: topic })).join();
      }
    }
    class Planner {
      researcher = new Researcher();
      @agent async plan(goal: string) {
        const notes = await this.researcher.research(goal);
        return `plan: ${notes}`;
      }
    }
    assert.equal(await new Planner().plan("otel"), "plan: result for otel");
    assert.equal(traces.shape(), ["AGENT Planner.plan", "  AGENT Researcher.research", "    TOOL Researcher.search"].join("\n"));
    const planner = traces.get({ name: "Planner.plan" });
    const researcher = traces.get({ name: "Researcher.research" });
    const search = traces.get({ name: "Researcher.search" });
    assert.equal(planner.attributes["graph.node.id"], idOf(planner));
    assert.equal("graph.node.parent_id" in planner.attributes, false);
    assert.equal(researcher.attributes["graph.node.id"], idOf(researcher));
    assert.equal(researcher.attributes["graph.node.parent_id"], planner.attributes["graph.node.id"]);
    assert.equal(researcher.attributes["graph.node.name"], "Researcher");
    assert.equal(search.parentSpanContext?.spanId, idOf(researcher));
    assert.equal(search.attributes["tool.name"], "search");
    assert.equal("graph.node.id" in search.attributes, false, "tools are not agent graph nodes");
  });

  test("the parent is the nearest enclosing agent, even through spans of other kinds", async () => {
    using traces = captureTraces();
    const step = defineKind({ name: "step", spanKind: "CHAIN" });
    class Team {
      @agent async lead() {
        return this.route();
      }
      @step async route() {
        await tick();
        return this.member();
      }
      @agent async member() {
        return "done";
      }
    }
    await new Team().lead();
    const lead = traces.get({ name: "Team.lead" });
    const member = traces.get({ name: "Team.member" });
    assert.equal(member.parentSpanContext?.spanId, idOf(traces.get({ name: "Team.route" })));
    assert.equal(member.attributes["graph.node.parent_id"], idOf(lead));
  });

  test("parallel sub-agents each point at their own parent; 2 root agents are 2 graphs", async () => {
    using traces = captureTraces();
    class Swarm {
      @agent({ name: "worker" }) async work(i: number) {
        await tick();
        return i;
      }
      @agent({ name: "boss" }) async run(n: number) {
        return Promise.all(Array.from({ length: n }, (_, i) => this.work(i)));
      }
    }
    const swarm = new Swarm();
    await Promise.all([swarm.run(3), swarm.run(2)]);
    const bosses = traces.find({ name: "boss" });
    assert.equal(bosses.length, 2);
    for (const boss of bosses) {
      const workers = traces.find({ name: "worker" }).filter((w) => w.parentSpanContext?.spanId === idOf(boss));
      assert.equal(workers.length, boss.attributes["input.value"] === "3" ? 3 : 2);
      for (const w of workers) assert.equal(w.attributes["graph.node.parent_id"], idOf(boss));
    }
    const ids = traces.find({ kind: "AGENT" }).map((s) => s.attributes["graph.node.id"]);
    assert.equal(new Set(ids).size, 7, "node ids are unique per call");
  });

  test("recursion: each level points at the level above", async () => {
    using traces = captureTraces();
    class Deep {
      @agent async dive(n: number): Promise<number> {
        return n === 0 ? 0 : 1 + (await this.dive(n - 1));
      }
    }
    assert.equal(await new Deep().dive(3), 3);
    for (const s of traces.spans) {
      const parent = traces.parentOf(s);
      if (parent === undefined) assert.equal("graph.node.parent_id" in s.attributes, false);
      else assert.equal(s.attributes["graph.node.parent_id"], parent.attributes["graph.node.id"]);
    }
  });

  test("an agent started with root: true begins a new graph", async () => {
    using traces = captureTraces();
    class Jobs {
      @agent({ name: "background", root: true }) async background() {
        return 1;
      }
      @agent async main() {
        return this.background();
      }
    }
    await new Jobs().main();
    const bg = traces.get({ name: "background" });
    assert.equal("graph.node.parent_id" in bg.attributes, false);
    assert.equal(bg.attributes["graph.node.id"], idOf(bg));
  });

  test("a failing agent still records its node id, and its error", async () => {
    using traces = captureTraces();
    const failure = new Error("gave up");
    class Flaky {
      @agent async inner(): Promise<never> {
        throw failure;
      }
      @agent async outer() {
        try {
          await this.inner();
        } catch {
          return "recovered";
        }
      }
    }
    assert.equal(await new Flaky().outer(), "recovered");
    const inner = traces.get({ name: "Flaky.inner" });
    assert.equal(inner.status.code, SpanStatusCode.ERROR);
    assert.equal(inner.attributes["graph.node.id"], idOf(inner));
    assert.equal(inner.attributes["graph.node.parent_id"], idOf(traces.get({ name: "Flaky.outer" })));
  });

  test("the node id is on the span from its start: the running agent, and one whose stream is never read, have it", async () => {
    using traces = captureTraces();
    let seenWhileRunning: unknown;
    class Watcher {
      @agent run(): string {
        seenWhileRunning = (trace.getActiveSpan() as unknown as { attributes: Record<string, unknown> }).attributes["graph.node.id"];
        return "done";
      }
      @agent async *talk() {
        yield "never read";
      }
    }
    new Watcher().run();
    assert.equal(seenWhileRunning, idOf(traces.get({ name: "Watcher.run" })));
    const stream = new Watcher().talk();
    await stream.return(undefined);
    const talk = traces.get({ name: "Watcher.talk" });
    assert.equal(talk.attributes["graph.node.id"], idOf(talk));
  });

  test("a streaming agent (async generator) records its node id, and its output when the stream ends", async () => {
    using traces = captureTraces();
    class Streamer {
      @agent async *talk() {
        yield "a";
        await tick();
        yield "b";
      }
    }
    const seen: string[] = [];
    for await (const t of new Streamer().talk()) seen.push(t);
    assert.deepEqual(seen, ["a", "b"]);
    const span = traces.get({ name: "Streamer.talk" });
    assert.equal(span.attributes["graph.node.id"], idOf(span));
    assert.equal(span.attributes["output.value"], "ab");
  });
});

describe("@agent options are validated when the class is defined", () => {
  test("an unknown option names the option", () => {
    throwsOption(() => agent({ nme: "x" } as never), /unknown option `nme`/);
  });

  test("a wrong `name` names the option", () => {
    throwsOption(() => agent({ name: 5 } as never), /option `name`/);
    throwsOption(() => agent({ name: "" }), /option `name`/);
    throwsOption(() => agent.wrap(() => 1, { name: 5 } as never), /option `name`/);
  });

  test("the error is thrown at class definition", () => {
    assert.throws(() => {
      class Bad {
        @agent({ graph: true } as never) run() {
          return 1;
        }
      }
      return Bad;
    }, /@agent: invalid options: unknown option `graph`/);
  });
});
