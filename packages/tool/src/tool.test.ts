import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { SpanStatusCode } from "@opentelemetry/api";
import { isCalltreeError } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import { z } from "zod";
import * as zm from "zod/mini";
import { tool, TOOL_VALIDATION_ERROR } from "./index.js";

const weatherSchema = z.object({ city: z.string().describe("City name"), units: z.enum(["c", "f"]).default("c") });
const weatherJson = {
  type: "object",
  properties: {
    city: { type: "string", description: "City name" },
    units: { default: "c", type: "string", enum: ["c", "f"] },
  },
  required: ["city"],
};

function throwsOption(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isCalltreeError(e), `expected a CalltreeError, got ${String(e)}`);
    assert.equal((e as { code: string }).code, "INVALID_OPTIONS");
    assert.match((e as Error).message, pattern);
    return true;
  });
}

describe("@tool records the tool on its span", () => {
  test("name, description and zod parameters as JSON Schema; one object argument is input.value JSON", async () => {
    using traces = captureTraces();
    class Assistant {
      @tool({ description: "Current weather", parameters: weatherSchema })
      async weather(args: { city: string }) {
        return { city: args.city, temperature: 21 };
      }
    }
    assert.deepEqual(await new Assistant().weather({ city: "Paris" }), { city: "Paris", temperature: 21 });
    const span = traces.get({ name: "Assistant.weather" });
    assert.equal(span.attributes["openinference.span.kind"], "TOOL");
    assert.equal(span.attributes["tool.name"], "weather");
    assert.equal(span.attributes["tool.description"], "Current weather");
    assert.equal(span.attributes["tool.parameters"], JSON.stringify(weatherJson));
    assert.equal(span.attributes["input.value"], '{"city":"Paris"}');
    assert.equal(span.attributes["input.mime_type"], "application/json");
    assert.equal(span.attributes["output.value"], '{"city":"Paris","temperature":21}');
    assert.equal(span.attributes["output.mime_type"], "application/json");
    assert.equal(span.attributes["tool.id"], undefined);
  });

  test("bare @tool: tool.name is the method name, no description or parameters", () => {
    using traces = captureTraces();
    class Calc {
      @tool add(args: { a: number; b: number }) {
        return args.a + args.b;
      }
    }
    assert.equal(new Calc().add({ a: 2, b: 3 }), 5);
    const span = traces.get({ name: "Calc.add" });
    assert.equal(span.attributes["tool.name"], "add");
    assert.equal("tool.description" in span.attributes, false);
    assert.equal("tool.parameters" in span.attributes, false);
    assert.equal(span.attributes["output.value"], "5");
  });

  test("the `name` option names the tool and the span", () => {
    using traces = captureTraces();
    class Search {
      @tool({ name: "web_search", description: "Search the web" }) find(args: { q: string }) {
        return [args.q];
      }
    }
    new Search().find({ q: "otel" });
    const span = traces.get({ name: "web_search" });
    assert.equal(span.attributes["tool.name"], "web_search");
  });

  test("a JSON Schema object is recorded as given, without $schema", () => {
    using traces = captureTraces();
    const parameters = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { id: { type: "integer" } },
      required: ["id"],
    };
    class Db {
      @tool({ parameters }) lookup(args: { id: number }) {
        return `row ${args.id}`;
      }
    }
    new Db().lookup({ id: 7 });
    const span = traces.get({ name: "Db.lookup" });
    assert.equal(span.attributes["tool.parameters"], '{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}');
    assert.equal(span.attributes["output.value"], "row 7");
    assert.equal(parameters.$schema, "http://json-schema.org/draft-07/schema#", "the user's object is not changed");
  });

  test("a zod/mini schema and the input side of transforms are turned into JSON Schema", () => {
    using traces = captureTraces();
    class T {
      @tool({ parameters: zm.object({ n: zm.number() }) }) mini(args: { n: number }) {
        return args.n;
      }
      @tool({ parameters: z.object({ when: z.string().transform((s) => new Date(s)) }) }) later(args: { when: string }) {
        return args.when;
      }
    }
    new T().mini({ n: 1 });
    new T().later({ when: "2026-01-01" });
    assert.equal(traces.get({ name: "T.mini" }).attributes["tool.parameters"], '{"type":"object","properties":{"n":{"type":"number"}},"required":["n"]}');
    assert.equal(traces.get({ name: "T.later" }).attributes["tool.parameters"], '{"type":"object","properties":{"when":{"type":"string"}},"required":["when"]}');
  });

  test("tool.wrap: a TOOL span named after the function, with the same attributes", async () => {
    using traces = captureTraces();
    const lookup = tool.wrap(async function lookupOrder(args: { id: string }) {
      return { id: args.id, status: "shipped" };
    }, { description: "Order status", parameters: z.object({ id: z.string() }) });
    assert.equal(lookup.name, "lookupOrder");
    assert.equal(lookup.length, 1);
    assert.deepEqual(await lookup({ id: "A1" }), { id: "A1", status: "shipped" });
    const span = traces.get({ name: "lookupOrder" });
    assert.equal(span.attributes["openinference.span.kind"], "TOOL");
    assert.equal(span.attributes["tool.name"], "lookupOrder");
    assert.equal(span.attributes["tool.description"], "Order status");
    assert.equal(span.attributes["tool.parameters"], '{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}');
    assert.equal(span.attributes["input.value"], '{"id":"A1"}');
  });

  test("errors are recorded and rethrown unchanged", async () => {
    using traces = captureTraces();
    const boom = new RangeError("no such city");
    class W {
      @tool async weather(_args: { city: string }): Promise<never> {
        throw boom;
      }
    }
    await assert.rejects(new W().weather({ city: "Atlantis" }), (e) => e === boom);
    const span = traces.get({ name: "W.weather" });
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.status.message, "RangeError: no such city");
    assert.equal(span.events[0]?.name, "exception");
    assert.equal(TOOL_VALIDATION_ERROR in span.attributes, false, "not a validation failure");
  });

  test("the code location is the user's class, also through the validating decorator and wrap()", () => {
    using traces = captureTraces();
    const here = fileURLToPath(import.meta.url);
    class L {
      @tool plain() {
        return 1;
      }
      @tool({ parameters: z.object({}), validate: true }) checked(_a: object) {
        return 2;
      }
    }
    const wrapped = tool.wrap(function wrappedTool() {
      return 3;
    });
    new L().plain();
    new L().checked({});
    wrapped();
    for (const name of ["L.plain", "L.checked", "wrappedTool"]) {
      const file = String(traces.get({ name }).attributes["code.file.path"]);
      assert.equal(file.replace(/\.ts$/, ".js").replace("/src/", "/dist/esm/"), here, `${name} points at ${file}`);
    }
  });
});

describe("@tool keeps what other decorators put on the method", () => {
  test("own properties set below a validating @tool survive it", () => {
    using _ = captureTraces();
    const route = (value: Function, _ctx: ClassMethodDecoratorContext) => {
      Object.assign(value, { route: "/weather" });
    };
    class R {
      @tool({ parameters: z.object({ city: z.string() }), validate: true })
      @route
      weather(args: { city: string }) {
        return args.city;
      }
    }
    assert.equal((R.prototype.weather as unknown as { route?: string }).route, "/weather");
    assert.equal(new R().weather({ city: "Paris" }), "Paris");
  });
});

describe("@tool options are validated when the class is defined", () => {
  test("an unknown option names the option", () => {
    throwsOption(() => tool({ descripton: "typo" } as never), /unknown option `descripton`/);
  });

  test("a wrong option type names the option", () => {
    throwsOption(() => tool({ description: 42 } as never), /option `description`/);
    throwsOption(() => tool({ validate: "yes" } as never), /option `validate`/);
  });

  test("a tool name a model cannot call is rejected", () => {
    throwsOption(() => tool({ name: "get weather" }), /option `name`: a tool name the model can call/);
  });

  test("parameters that are neither zod nor JSON Schema are rejected", () => {
    throwsOption(() => tool({ parameters: "city: string" } as never), /option `parameters`: expected a zod schema or a JSON Schema object/);
    throwsOption(() => tool({ parameters: new Map() } as never), /option `parameters`/);
  });

  test("a zod schema without a JSON Schema form is rejected with a fix", () => {
    throwsOption(
      () => tool({ parameters: z.object({ at: z.date() }) }),
      /option `parameters`: the zod schema cannot be shown to a model as JSON Schema \(Date cannot be represented in JSON Schema\)/,
    );
  });

  test("a zod 3 schema is rejected with a fix", () => {
    const zod3Like = { _def: { typeName: "ZodObject" }, safeParse: () => ({ success: true }) };
    throwsOption(() => tool({ parameters: zod3Like as never }), /option `parameters`: this is a zod 3 schema/);
  });

  test("validate: true without a zod schema is rejected", () => {
    throwsOption(() => tool({ validate: true }), /option `validate`: .*there is none/);
    throwsOption(() => tool({ validate: true, parameters: { type: "object" } }), /option `validate`: .*JSON Schema object/);
    throwsOption(() => tool.wrap(() => 1, { validate: true }), /option `validate`/);
  });

  test("the error is thrown at class definition", () => {
    assert.throws(() => {
      class Bad {
        @tool({ name: "has space" }) run() {
          return 1;
        }
      }
      return Bad;
    }, /@tool: invalid options: option `name`/);
  });
});

describe("@tool({ validate: true })", () => {
  const schema = z.object({ city: z.string().min(1), units: z.enum(["c", "f"]).default("c") });

  test("valid arguments: the method receives the parsed value; input.value is what was passed", async () => {
    using traces = captureTraces();
    const seen: unknown[] = [];
    class W {
      @tool({ parameters: schema, validate: true })
      async weather(args: { city: string; units?: "c" | "f" }) {
        seen.push(args);
        return `${args.city}:${args.units}`;
      }
    }
    assert.equal(await new W().weather({ city: "Oslo", extra: 1 } as never), "Oslo:c");
    assert.deepEqual(seen, [{ city: "Oslo", units: "c" }]);
    const span = traces.get({ name: "W.weather" });
    assert.equal(span.attributes["input.value"], '{"city":"Oslo","extra":1}');
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  });

  test("invalid arguments reject an async tool with the ZodError; the method does not run; the span says why", async () => {
    using traces = captureTraces();
    let ran = false;
    class W {
      @tool({ parameters: schema, validate: true })
      async weather(_args: { city: string }) {
        ran = true;
        return "sunny";
      }
    }
    const result = new W().weather({ city: 3 } as never);
    assert.ok(result instanceof Promise, "an async tool still returns a Promise");
    await assert.rejects(result, (e: unknown) => e instanceof z.ZodError && e.issues[0]?.path[0] === "city");
    assert.equal(ran, false);
    const span = traces.get({ name: "W.weather" });
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.match(String(span.status.message), /^ZodError: /);
    assert.equal(span.events[0]?.name, "exception");
    assert.equal(span.attributes[TOOL_VALIDATION_ERROR], "✖ Invalid input: expected string, received number\n  → at city");
    assert.equal(span.attributes["input.value"], '{"city":3}');
  });

  test("a sync tool throws the ZodError synchronously", () => {
    using traces = captureTraces();
    class Calc {
      @tool({ parameters: z.object({ a: z.number(), b: z.number() }), validate: true })
      add(args: { a: number; b: number }) {
        return args.a + args.b;
      }
    }
    assert.equal(new Calc().add({ a: 1, b: 2 }), 3);
    assert.throws(() => new Calc().add({ a: 1 } as never), z.ZodError);
    const failed = traces.find({ name: "Calc.add" }).find((s) => s.status.code === SpanStatusCode.ERROR);
    assert.equal(failed?.attributes[TOOL_VALIDATION_ERROR], "✖ Invalid input: expected number, received undefined\n  → at b");
  });

  test("async refinements work for async tools", async () => {
    using traces = captureTraces();
    const taken = z.object({ user: z.string().refine(async (u) => u !== "root", "user name is taken") });
    class Accounts {
      @tool({ parameters: taken, validate: true }) async create(args: { user: string }) {
        return `created ${args.user}`;
      }
    }
    assert.equal(await new Accounts().create({ user: "ada" }), "created ada");
    await assert.rejects(new Accounts().create({ user: "root" }), z.ZodError);
    const failed = traces.find({ name: "Accounts.create" }).find((s) => s.status.code === SpanStatusCode.ERROR);
    assert.equal(failed?.attributes[TOOL_VALIDATION_ERROR], "✖ user name is taken\n  → at user");
  });

  test("a ZodError thrown by the tool body itself is not reported as a validation failure", () => {
    using traces = captureTraces();
    class P {
      @tool({ parameters: z.object({ raw: z.string() }), validate: true }) parse(args: { raw: string }) {
        return z.number().parse(Number(args.raw));
      }
    }
    assert.throws(() => new P().parse({ raw: "x" }), z.ZodError);
    const span = traces.get({ name: "P.parse" });
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(TOOL_VALIDATION_ERROR in span.attributes, false);
  });

  test("tool.wrap with validate: true", async () => {
    using traces = captureTraces();
    const greet = tool.wrap(async function greet(args: { name: string }) {
      return `hi ${args.name}`;
    }, { parameters: z.object({ name: z.string() }), validate: true });
    assert.equal(greet.name, "greet");
    assert.equal(await greet({ name: "Bo" }), "hi Bo");
    await assert.rejects(greet({} as never), z.ZodError);
    const spans = traces.find({ name: "greet" });
    assert.equal(spans.length, 2);
    assert.equal(spans[1]?.attributes[TOOL_VALIDATION_ERROR], "✖ Invalid input: expected string, received undefined\n  → at name");
  });
});
