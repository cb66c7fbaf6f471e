import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SpanStatusCode } from "@opentelemetry/api";
import { captureTraces } from "@calltree/testing";
import { z } from "zod";
import { callTool, isToolCallError, tool, TOOL_VALIDATION_ERROR, toolsOf } from "./index.js";
import type { ToolCallErrorCode } from "./index.js";

class Assistant {
  calls: unknown[] = [];

  @tool({ description: "Current weather", parameters: z.object({ city: z.string() }) })
  async weather(args: { city: string }) {
    this.calls.push(args);
    return { city: args.city, sky: "clear" };
  }

  @tool({ name: "get_time" }) time(args: { tz?: string }) {
    return `12:00 ${args.tz ?? "UTC"}`;
  }

  @tool({ description: "Static version" }) static version() {
    return "1.2.3";
  }

  @tool({ parameters: z.object({ city: z.string() }), validate: true }) async strict(args: { city: string }) {
    return args.city;
  }

  @tool({ description: "Plan a trip: calls another tool" }) async plan(args: { city: string }) {
    const w = await callTool(this, "weather", { city: args.city }, { id: "inner_1" });
    return `plan for ${JSON.stringify(w)}`;
  }

  @tool async fail() {
    throw new TypeError("tool broke");
  }
}

async function rejectsWith(p: Promise<unknown>, code: ToolCallErrorCode, message: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isToolCallError(e), `expected a ToolCallError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

describe("callTool()", () => {
  test("dispatches by tool name with JSON string arguments; the method gets them as one object", async () => {
    using traces = captureTraces();
    const a = new Assistant();
    assert.deepEqual(await callTool(a, "weather", '{"city":"Lima"}'), { city: "Lima", sky: "clear" });
    assert.deepEqual(a.calls, [{ city: "Lima" }]);
    const span = traces.get({ name: "Assistant.weather" });
    assert.equal(span.attributes["input.value"], '{"city":"Lima"}');
    assert.equal(span.attributes["tool.name"], "weather");
    assert.equal("tool.id" in span.attributes, false);
  });

  test("takes an OpenAI chat tool call and records its id as tool.id", async () => {
    using traces = captureTraces();
    const call = { id: "call_abc", type: "function" as const, function: { name: "get_time", arguments: '{"tz":"CET"}' } };
    assert.equal(await callTool(new Assistant(), call), "12:00 CET");
    const span = traces.get({ name: "get_time" });
    assert.equal(span.attributes["tool.id"], "call_abc");
    assert.equal(span.attributes["output.value"], "12:00 CET");
  });

  test("takes an Anthropic tool_use block (object input)", async () => {
    using traces = captureTraces();
    const block = { type: "tool_use", id: "toolu_01", name: "weather", input: { city: "Kyiv" } };
    assert.deepEqual(await callTool(new Assistant(), block), { city: "Kyiv", sky: "clear" });
    assert.equal(traces.get({ name: "Assistant.weather" }).attributes["tool.id"], "toolu_01");
  });

  test("takes an OpenAI Responses function_call (call_id, not the item id)", async () => {
    using traces = captureTraces();
    const item = { type: "function_call", id: "fc_9", call_id: "call_9", name: "get_time", arguments: "" };
    assert.equal(await callTool(new Assistant(), item), "12:00 UTC");
    assert.equal(traces.get({ name: "get_time" }).attributes["tool.id"], "call_9");
  });

  test("empty or missing arguments are {}", async () => {
    const a = new Assistant();
    assert.equal(await callTool(a, "get_time", ""), "12:00 UTC");
    assert.equal(await callTool(a, "get_time"), "12:00 UTC");
    assert.equal(await callTool(a, "get_time", "  "), "12:00 UTC");
  });

  test("static tools are called on the class, from the class or an instance", async () => {
    assert.equal(await callTool(Assistant, "version"), "1.2.3");
    assert.equal(await callTool(new Assistant(), "version"), "1.2.3");
  });

  test("every name toolsOf() lists can be dispatched", async () => {
    const a = new Assistant();
    const names = toolsOf(a).map((t) => t.function.name);
    assert.deepEqual(names, ["weather", "get_time", "strict", "plan", "fail", "version"]);
    for (const name of names.filter((n) => n !== "fail")) {
      await callTool(a, name, name === "get_time" ? "{}" : '{"city":"X"}');
    }
  });

  test("a tool's tool call id goes to that tool only, not to the tools it calls", async () => {
    using traces = captureTraces();
    const out = await callTool(new Assistant(), { id: "outer_1", function: { name: "plan", arguments: '{"city":"Rome"}' } });
    assert.equal(out, 'plan for {"city":"Rome","sky":"clear"}');
    const plan = traces.get({ name: "Assistant.plan" });
    const weather = traces.get({ name: "Assistant.weather" });
    assert.equal(plan.attributes["tool.id"], "outer_1");
    assert.equal(weather.attributes["tool.id"], "inner_1");
    assert.equal(weather.parentSpanContext?.spanId, plan.spanContext().spanId);
  });

  test("a tool called directly inside a dispatched tool does not take the outer id", async () => {
    using traces = captureTraces();
    class Outer {
      @tool async outer() {
        return this.inner();
      }
      @tool async inner() {
        return "in";
      }
    }
    assert.equal(await callTool(new Outer(), "outer", "{}", { id: "call_outer" }), "in");
    assert.equal(traces.get({ name: "Outer.outer" }).attributes["tool.id"], "call_outer");
    assert.equal("tool.id" in traces.get({ name: "Outer.inner" }).attributes, false);
  });

  test("unknown tool: a ToolCallError worded for the model", async () => {
    await rejectsWith(
      callTool(new Assistant(), "stock_price", "{}"),
      "UNKNOWN_TOOL",
      'There is no tool named "stock_price". Available tools: weather, get_time, strict, plan, fail, version.',
    );
  });

  test("arguments that are not JSON: a ToolCallError, the tool does not run", async () => {
    using traces = captureTraces();
    await rejectsWith(
      callTool(new Assistant(), "weather", '{"city": Lima}'),
      "INVALID_ARGUMENTS",
      `The arguments for tool "weather" are not valid JSON (${jsonError('{"city": Lima}')}). Send a JSON object.`,
    );
    assert.equal(traces.spans.length, 0);
  });

  test("an instance tool dispatched on the class, and a tool call without a name", async () => {
    await rejectsWith(
      callTool(Assistant, "weather", "{}"),
      "NOT_CALLABLE",
      'Tool "weather" is an instance method of Assistant; pass an instance to callTool(), not the class.',
    );
    await rejectsWith(
      callTool(new Assistant(), { id: "x" } as never),
      "INVALID_TOOL_CALL",
      "callTool(): the tool call has no tool name; expected { function: { name, arguments } }, { name, arguments } or { name, input }.",
    );
  });

  test("the tool's own errors and validation errors pass through unchanged", async () => {
    using traces = captureTraces();
    await assert.rejects(callTool(new Assistant(), "fail"), (e: unknown) => e instanceof TypeError && e.message === "tool broke");
    await assert.rejects(callTool(new Assistant(), "strict", '{"city":1}'), z.ZodError);
    const strict = traces.get({ name: "Assistant.strict" });
    assert.equal(strict.status.code, SpanStatusCode.ERROR);
    assert.equal(strict.attributes[TOOL_VALIDATION_ERROR], "✖ Invalid input: expected string, received number\n  → at city");
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (e) {
    return (e as Error).message;
  }
}
