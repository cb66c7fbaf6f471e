import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SpanStatusCode } from "@opentelemetry/api";
import { captureTraces } from "@calltree/testing";
import { callTool, toAnthropicTools, toolsOf, TOOL_VALIDATION_ERROR } from "./index.js";

// The package's own tests are compiled with standard (TC39) decorators. Here a fixture is compiled by real tsc
// under legacy `experimentalDecorators`, where core keeps decorated methods in its registry instead of decorator
// metadata, and toolsOf()/callTool()/validate must behave the same.
const pkg = join(dirname(fileURLToPath(import.meta.url)), "../..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

// What the test uses of fixtures/legacy-tools.ts (outside this program's rootDir, so not imported as a type).
interface Fixture {
  Assistant: (new () => { square(args: { n: number }): number }) & Function;
  Forecast: (new () => object) & Function;
  wrapped: (args: { id: string }) => string;
}

function compile(mode: string, options: Record<string, unknown>): Promise<Fixture> {
  // Inside the package (so `@calltree/tool` resolves to this package by self-reference), never published.
  const dir = join(pkg, ".work", `legacy-${mode}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        types: [],
        lib: ["ES2023", "ESNext.Disposable"],
        rootDir: join(pkg, "fixtures"),
        outDir: join(dir, "out"),
        experimentalDecorators: true,
        ...options,
      },
      files: [join(pkg, "fixtures", "legacy-tools.ts")],
    }),
  );
  const r = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
  return import(pathToFileURL(join(dir, "out", "legacy-tools.js")).href) as Promise<Fixture>;
}

const weather = {
  type: "function",
  function: {
    name: "weather",
    description: "Current weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const time = {
  type: "function",
  function: { name: "get_time", parameters: { type: "object", properties: { tz: { type: "string" } } } },
};
const square = {
  type: "function",
  function: {
    name: "square",
    parameters: {
      type: "object",
      properties: { n: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 } },
      required: ["n"],
    },
  },
};
const plan = { type: "function", function: { name: "plan" } };
const version = { type: "function", function: { name: "version", description: "Server version" } };

for (const [mode, options] of [
  ["legacy", {}],
  ["legacy+metadata", { emitDecoratorMetadata: true }],
] as const) {
  describe(`@tool under ${mode} decorators (real tsc output)`, () => {
    let fx: Fixture;
    before(async () => {
      fx = await compile(mode, options);
    });

    test("toolsOf() on the class and on an instance, in the same order as standard decorators", () => {
      const expected = [weather, time, square, plan, version];
      assert.deepEqual(toolsOf(fx.Assistant), expected);
      assert.deepEqual(toolsOf(new fx.Assistant()), expected);
    });

    test("toolsOf() on a subclass: the override's definition replaces the parent's", () => {
      assert.deepEqual(toolsOf(new fx.Forecast()), [
        {
          type: "function",
          function: {
            name: "weather",
            description: "Weather, with a forecast",
            parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "number" } }, required: ["city", "days"] },
          },
        },
        time,
        square,
        plan,
        version,
        { type: "function", function: { name: "book", description: "Book a flight" } },
      ]);
      assert.deepEqual(toAnthropicTools(toolsOf(fx.Forecast)).at(-1), {
        name: "book",
        description: "Book a flight",
        input_schema: { type: "object", properties: {} },
      });
    });

    test("spans carry the tool attributes; callTool() dispatches, records tool.id and nests", async () => {
      using traces = captureTraces();
      const a = new fx.Assistant();
      assert.equal(await callTool(a, { id: "outer", function: { name: "plan", arguments: '{"city":"Oslo"}' } }), "Oslo: sunny");
      assert.equal(await callTool(fx.Assistant, "version"), "1.0");
      const planSpan = traces.get({ name: "Assistant.plan" });
      const weatherSpan = traces.get({ name: "Assistant.weather" });
      assert.equal(planSpan.attributes["tool.id"], "outer");
      assert.equal(weatherSpan.attributes["tool.id"], "inner");
      assert.equal(weatherSpan.parentSpanContext?.spanId, planSpan.spanContext().spanId);
      assert.equal(weatherSpan.attributes["tool.description"], "Current weather");
      assert.equal(weatherSpan.attributes["tool.parameters"], JSON.stringify(weather.function.parameters));
      assert.equal(weatherSpan.attributes["input.value"], '{"city":"Oslo"}');
      assert.equal(traces.get({ name: "Assistant.version" }).attributes["tool.name"], "version");
      const file = String(weatherSpan.attributes["code.file.path"]);
      assert.ok(file.endsWith(`legacy-${mode}/out/legacy-tools.js`), `code location ${file}`);
    });

    test("validate: true rejects bad arguments and records why; wrap() too", () => {
      using traces = captureTraces();
      const a = new fx.Assistant();
      assert.equal(a.square({ n: 4 }), 16);
      assert.throws(() => a.square({ n: 1.5 }), (e: unknown) => (e as Error).name === "ZodError");
      assert.equal(fx.wrapped({ id: "7" }), "order 7");
      assert.throws(() => fx.wrapped({ id: 7 } as never), (e: unknown) => (e as Error).name === "ZodError");
      const failed = traces.spans.filter((s) => s.status.code === SpanStatusCode.ERROR);
      assert.deepEqual(
        failed.map((s) => [s.name, s.attributes[TOOL_VALIDATION_ERROR]]),
        [
          ["Assistant.square", "✖ Invalid input: expected int, received number\n  → at n"],
          ["lookup", "✖ Invalid input: expected string, received number\n  → at id"],
        ],
      );
    });
  });
}
