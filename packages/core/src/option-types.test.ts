// CommonOptions is read from the common option schema: what the type accepts, every kind's wrap() accepts; what it
// refuses (checked here at compile time by @ts-expect-error), wrap() refuses at run time too, with the same messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Attributes } from "@opentelemetry/api";
import { defineKind, isCalltreeError } from "./kind.js";
import type { CommonOptions } from "./kind.js";
import type { CommonOptions as AppCommonOptions } from "./index.js";

// The public type, pinned (under the repo's settings, without exactOptionalPropertyTypes, where `name?: string` and
// zod's `name?: string | undefined` are one type): a change to the shape that changes it fails to compile here.
interface Pinned {
  name?: string;
  input?: (...args: any[]) => unknown;
  output?: (result: any) => unknown;
  captureInput?: boolean;
  captureOutput?: boolean;
  attributes?: Attributes | ((...args: any[]) => Attributes);
  root?: boolean;
}
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const pinned: [Same<CommonOptions, Pinned>, Same<AppCommonOptions, Pinned>, Same<keyof CommonOptions, keyof Pinned>] = [true, true, true];

const probe = defineKind({ name: "probe", spanKind: "CHAIN" });

const accepted: CommonOptions[] = [
  {},
  {
    name: "ask",
    input: (question: string, n: number) => `${question} ${n}`,
    output: (result: { text: string }) => result.text,
    captureInput: false,
    captureOutput: true,
    attributes: { "app.tier": "gold", "app.retries": 2, "app.cached": false, "app.tags": ["a", null, undefined] },
    root: true,
  },
  { attributes: (user: { id: string }) => ({ "app.user": user.id }) },
  { input: () => undefined, output: () => null },
  { name: undefined, input: undefined, output: undefined, captureInput: undefined, captureOutput: undefined, attributes: undefined, root: undefined },
];

const ATTRIBUTES_MESSAGE =
  "option `attributes`: expected OpenTelemetry attributes, e.g. { \"app.tier\": \"gold\" } (each value a string, number or " +
  "boolean, or an array of one of those types), or a function of the call's arguments returning them";

const refused: Array<[CommonOptions, string]> = [
  // @ts-expect-error name is a string
  [{ name: 1 }, "option `name`: Invalid input: expected string, received number"],
  [{ name: "" }, "option `name`: Too small: expected string to have >=1 characters"],
  // @ts-expect-error input is a function
  [{ input: "question" }, "option `input`: expected a function"],
  // @ts-expect-error output is a function
  [{ output: {} }, "option `output`: expected a function"],
  // @ts-expect-error captureInput is a boolean
  [{ captureInput: "no" }, "option `captureInput`: Invalid input: expected boolean, received string"],
  // @ts-expect-error captureOutput is a boolean
  [{ captureOutput: 0 }, "option `captureOutput`: Invalid input: expected boolean, received number"],
  // @ts-expect-error attributes are an object or a function
  [{ attributes: "app.tier=gold" }, ATTRIBUTES_MESSAGE],
  // @ts-expect-error an attribute value is a string, number, boolean or an array of them
  [{ attributes: { "app.user": { id: "u1" } } }, ATTRIBUTES_MESSAGE],
  // @ts-expect-error root is a boolean
  [{ root: null }, "option `root`: Invalid input: expected boolean, received null"],
  // @ts-expect-error there is no option `tags`
  [{ tags: ["a"] }, "unknown option `tags`"],
];

test("CommonOptions is exactly the public type it was, from both entries", () => {
  assert.deepEqual(pinned, [true, true, true]);
});

test("CommonOptions: the values its type accepts pass wrap() and the decorator, the ones it refuses fail with INVALID_OPTIONS", () => {
  for (const options of accepted) {
    assert.doesNotThrow(() => probe.wrap(() => 1, options), String(Object.keys(options)));
    assert.doesNotThrow(() => probe(options), String(Object.keys(options)));
  }
  for (const [options, message] of refused) {
    const expected = (e: unknown) =>
      isCalltreeError(e) && e.code === "INVALID_OPTIONS" &&
      e.message === `@probe: invalid options: ${message}. Known options: name, input, output, captureInput, captureOutput, attributes, root.`;
    assert.throws(() => probe.wrap(() => 1, options), expected, String(Object.keys(options)));
    assert.throws(() => probe(options), expected, String(Object.keys(options)));
  }
});

test("attributes are checked as OpenTelemetry's Attributes type states them: a key set to undefined is taken, a mixed array refused", () => {
  const undefinedValue: CommonOptions = { attributes: { "app.tier": undefined, "app.region": "eu" } };
  assert.doesNotThrow(() => probe.wrap(() => 1, undefinedValue));
  // @ts-expect-error the Attributes type wants an array of one primitive type
  const mixed: CommonOptions = { attributes: { "app.ids": ["a", 1, true] } };
  // The SDK would drop such a value at run time with only a diagnostic: setup says so instead.
  assert.throws(() => probe.wrap(() => 1, mixed), (e: unknown) => isCalltreeError(e) && e.message.includes("option `attributes`: expected OpenTelemetry attributes"));
  assert.doesNotThrow(() => probe.wrap(() => 1, { attributes: { "app.ids": [1, null, 2, undefined], "app.flags": [true, false], "app.none": [] } }));
  // @ts-expect-error a class instance is not a plain attributes object
  assert.throws(() => probe.wrap(() => 1, { attributes: new Map([["a", 1]]) }), (e: unknown) => isCalltreeError(e) && e.message.includes("option `attributes`"));
});
