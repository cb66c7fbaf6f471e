// ToolOptions is read from @tool's option schema: what the type accepts, wrap() accepts; what it refuses (checked here
// at compile time by @ts-expect-error), wrap() refuses at run time too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isCalltreeError } from "@calltree/core";
import { tool } from "./index.js";
import type { ToolOptions } from "./index.js";

const accepted: ToolOptions[] = [
  {},
  { name: "get_weather", description: "The weather in a city", validate: false },
  { parameters: { type: "object", properties: { city: { type: "string" } } } },
  { description: undefined, parameters: undefined, validate: undefined },
];

const refused: ToolOptions[] = [
  // @ts-expect-error description is a string
  { description: 1 },
  // @ts-expect-error validate is a boolean
  { validate: "yes" },
  // @ts-expect-error parameters is a schema object
  { parameters: "city: string" },
];

test("ToolOptions: the values its type accepts pass tool.wrap(), the ones it refuses fail with INVALID_OPTIONS", () => {
  for (const options of accepted) assert.doesNotThrow(() => tool.wrap(() => 1, options), JSON.stringify(options));
  for (const options of refused) {
    assert.throws(() => tool.wrap(() => 1, options), (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS", String(Object.keys(options)));
  }
});
