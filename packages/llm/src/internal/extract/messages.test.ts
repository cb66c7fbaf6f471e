import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { configureCapture, resetCapture } from "@calltree/core";
import { REDACTED, safeJson } from "@calltree/core/kind";
import { argumentsJson } from "./messages.js";

afterEach(() => resetCapture());

// What argumentsJson gave before it skipped the second serialization: the text re-serialized whenever that brought
// a redaction marker the text did not have. The shortcut must give the same text for every input.
// Written apart from the code under test (a regular expression for "looks like JSON", a parse that answers
// undefined), so the two cannot share a mistake.
function parsedJson(input: string): { value: unknown } | undefined {
  if (!/^\s*[[{]/.test(input)) return undefined;
  try {
    return { value: JSON.parse(input) as unknown };
  } catch {
    return undefined;
  }
}

function reference(input: string): string {
  const parsed = parsedJson(input);
  if (parsed === undefined) return input;
  const captured = safeJson(parsed.value);
  return captured.includes(`"${REDACTED}"`) && !input.includes(`"${REDACTED}"`) ? captured : input;
}

const inputs = [
  '{"query":"churn by device count","year":2025}',
  ' {"user":"ann","password":"hunter2"}',
  '[{"a":1},{"deep":{"list":[{"api_key":"k"}]}}]',
  '{"note":"[REDACTED]"}',
  '{"note":"\\u005bREDACTED]"}',
  '{"\\u0070assword":"x"}',
  '{"text":"a \\"quoted\\" word"}',
  '{"partial":',
  "plain text",
  "[1,2,3]",
  '{"token":"[REDACTED]"}',
];

test("tool-call arguments: the same text as a full re-serialization would give, with any capture settings", () => {
  for (const setup of [undefined, { redactKeys: ["year", /^no/] }, { redactKeys: false as const }]) {
    resetCapture();
    if (setup !== undefined) configureCapture(setup);
    for (const input of inputs) assert.equal(argumentsJson(input), reference(input), `${input} with ${JSON.stringify(setup)}`);
  }
  resetCapture();
  assert.equal(argumentsJson('{"user":"ann","password":"hunter2"}'), `{"user":"ann","password":"${REDACTED}"}`);
});
