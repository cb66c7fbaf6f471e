// The Node entry (index.ts) and the Workers/edge entry (web.ts) are two builds of one API. Each lists its names
// (`export *` is banned), so this keeps the two lists the same: a name added to one and not the other fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

function exportedNames(declarations: string): string[] {
  const text = readFileSync(new URL(`../dist/esm/${declarations}`, import.meta.url), "utf8");
  const names: string[] = [];
  for (const match of text.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const name of (match[1] ?? "").split(",")) if (name.trim() !== "") names.push(name.trim());
  }
  return names.sort();
}

test("@calltree/otel's Node and Workers/edge entries export the same names", () => {
  const node = exportedNames("index.d.ts");
  assert.ok(node.includes("register") && node.includes("RegisterOptions"), node.join(", "));
  assert.deepEqual(exportedNames("web.d.ts"), node);
});
