import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isCalltreeError } from "@calltree/core";
import { z } from "zod";
import { toAnthropicTools, tool, toolsOf } from "./index.js";

class Assistant {
  @tool({ description: "Current weather", parameters: z.object({ city: z.string() }) })
  async weather(args: { city: string }) {
    return `${args.city}: sunny`;
  }

  @tool({ name: "get_time", description: "Time in a time zone", parameters: { type: "object", properties: { tz: { type: "string" } } } })
  time(args: { tz: string }) {
    return `12:00 ${args.tz}`;
  }

  @tool ping() {
    return "pong";
  }

  // Not a tool: no decorator.
  helper() {
    return 1;
  }
}

const assistantTools = [
  {
    type: "function",
    function: {
      name: "weather",
      description: "Current weather",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
  {
    type: "function",
    function: { name: "get_time", description: "Time in a time zone", parameters: { type: "object", properties: { tz: { type: "string" } } } },
  },
  { type: "function", function: { name: "ping" } },
];

describe("toolsOf()", () => {
  test("on a class: its @tool methods as OpenAI tools, in declaration order", () => {
    assert.deepEqual(toolsOf(Assistant), assistantTools);
  });

  test("on an instance: the same tools", () => {
    assert.deepEqual(toolsOf(new Assistant()), assistantTools);
  });

  test("on a subclass: the inherited tools first, then the subclass's own", () => {
    class Travel extends Assistant {
      @tool({ description: "Book a flight", parameters: z.object({ to: z.string(), seats: z.number().int().default(1) }) })
      book(args: { to: string; seats?: number }) {
        return `booked ${args.to}`;
      }
    }
    const book = {
      type: "function",
      function: {
        name: "book",
        description: "Book a flight",
        parameters: {
          type: "object",
          properties: { to: { type: "string" }, seats: { default: 1, type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 } },
          required: ["to"],
        },
      },
    };
    assert.deepEqual(toolsOf(new Travel()), [...assistantTools, book]);
    assert.deepEqual(toolsOf(Travel), [...assistantTools, book]);
    assert.deepEqual(toolsOf(Assistant), assistantTools, "the parent class is unchanged");
  });

  // Core's standard-decorator metadata lists a subclass's inherited entries before its own and keeps the first
  // of two entries for one method, so a re-decorated override keeps the parent's options (legacy mode is right).
  test("on a subclass: a re-decorated override replaces the parent's definition", () => {
    class Forecast extends Assistant {
      @tool({ description: "Weather, with a forecast", parameters: z.object({ city: z.string(), days: z.number() }) })
      override async weather(args: { city: string }) {
        return `${args.city}: rain`;
      }
    }
    assert.deepEqual(toolsOf(Forecast)[0], {
      type: "function",
      function: {
        name: "weather",
        description: "Weather, with a forecast",
        parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "number" } }, required: ["city", "days"] },
      },
    });
  });

  test("static tools are listed; private #tools are not", () => {
    class Mixed {
      @tool({ description: "static" }) static version() {
        return "1.0";
      }
      @tool #secret() {
        return "s";
      }
      @tool open() {
        return this.#secret();
      }
    }
    assert.deepEqual(toolsOf(Mixed).map((t) => t.function.name).sort(), ["open", "version"]);
  });

  test("a class without tools has none; other kinds' decorators are not tools", () => {
    class Plain {
      run() {
        return 1;
      }
    }
    assert.deepEqual(toolsOf(Plain), []);
    assert.deepEqual(toolsOf({}), []);
  });

  test("every call returns fresh objects", () => {
    const first = toolsOf(Assistant);
    (first[0]!.function.parameters as { properties: Record<string, unknown> }).properties.city = "changed";
    assert.deepEqual(toolsOf(Assistant), assistantTools);
  });

  test("two methods with one tool name are an error that says which", () => {
    class Twice {
      @tool({ name: "search" }) a() {
        return 1;
      }
      @tool({ name: "search" }) b() {
        return 2;
      }
    }
    assert.throws(() => toolsOf(Twice), (e: unknown) => {
      assert.ok(isCalltreeError(e));
      assert.equal((e as { code: string }).code, "DUPLICATE_TOOL");
      assert.equal((e as Error).message, 'Twice has two tools named "search": a() and b(). A model calls tools by name; give one of them another `name` option.');
      return true;
    });
  });

  test("toolsOf(null) is a setup error", () => {
    assert.throws(() => toolsOf(null as never), /toolsOf\(\) takes a class or an instance of one, got null/);
  });
});

describe("toAnthropicTools()", () => {
  test("turns OpenAI tools into { name, description, input_schema }", () => {
    assert.deepEqual(toAnthropicTools(toolsOf(Assistant)), [
      {
        name: "weather",
        description: "Current weather",
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
      { name: "get_time", description: "Time in a time zone", input_schema: { type: "object", properties: { tz: { type: "string" } } } },
      { name: "ping", input_schema: { type: "object", properties: {} } },
    ]);
  });

  test("keeps Anthropic's key order (name, description, input_schema)", () => {
    assert.equal(
      JSON.stringify(toAnthropicTools(toolsOf(Assistant))[0]),
      '{"name":"weather","description":"Current weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}',
    );
  });
});
