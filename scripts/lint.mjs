#!/usr/bin/env node
// House rules that a type checker cannot see. Each rule names the file and line it fails on and says how to fix it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const problems = [];

function files(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(ts|mts|cts)$/.test(name)) out.push(p);
  }
  return out;
}

const packagesDir = join(root, "packages");
const libraryFiles = readdirSync(packagesDir).flatMap((pkg) => files(join(packagesDir, pkg, "src")).map((f) => ({ pkg, f })));
const allTs = [...libraryFiles.map((x) => x.f), ...files(join(root, "tests")), ...files(join(root, "examples")), ...files(join(root, "bench"))];

// OpenInference attribute names must come from the semantic-conventions package, not string literals.
const HAND_TYPED = /["'`](?:openinference\.span\.kind|input\.(?:value|mime_type)|output\.(?:value|mime_type)|llm\.(?:model_name|provider|system|invocation_parameters|input_messages|output_messages|token_count|cost|tools|prompt_template)|session\.id|user\.id|tag\.tags|retrieval\.documents|reranker\.|embedding\.(?:model_name|embeddings)|tool\.(?:name|description|parameters)|agent\.name|graph\.node)[\w.]*["'`]/;
// Console output belongs to the CLI, the console exporter and the printing parts of register() only.
const CONSOLE_ALLOWED = /^(cli|render)\/|^otel\/src\/(?:console|internal\/(?:banner|report|console))|^otel\/src\/.*\.test\.ts$/;

for (const { pkg, f } of libraryFiles) {
  const rel = relative(packagesDir, f);
  const isTest = f.endsWith(".test.ts") || /\/test-[^/]*$/.test(f);
  const lines = readFileSync(f, "utf8").split("\n");
  lines.forEach((line, i) => {
    const at = `packages/${rel}:${i + 1}`;
    if (/^\s*export\s+\*/.test(line)) problems.push(`${at}: \`export *\` makes internals public; list exports by name.`);
    const code = /^\s*(?:\*|\/\/|\/\*)/.test(line) ? "" : line.replace(/\s\/\/.*$/, "");
    if (!isTest && HAND_TYPED.test(code)) {
      problems.push(`${at}: hand-typed OpenInference attribute name; use SemanticConventions from @arizeai/openinference-semantic-conventions.`);
    }
    if (!isTest && /\bconsole\.(log|warn|error|info|debug)\(/.test(line) && !CONSOLE_ALLOWED.test(rel)) {
      problems.push(`${at}: console output in library code; report through core's diagnostics (OTel diag) instead.`);
    }
    // Core's public entries are the root, `/kind` (kind authors) and `/sdk` (SDK wiring); anything else is internal.
    if (pkg !== "core" && /from\s+["'](?:@calltree\/core\/(?!(?:kind|sdk)["'])|\.\.\/\.\.\/core\/)/.test(line)) {
      problems.push(`${at}: import of @calltree/core internals; use its root, @calltree/core/kind or @calltree/core/sdk.`);
    }
  });
}
for (const f of allTs) {
  readFileSync(f, "utf8").split("\n").forEach((line, i) => {
    if (/\b(?:test|it|describe)\.only\(/.test(line)) problems.push(`${relative(root, f)}:${i + 1}: \`.only\` would skip the rest of the suite.`);
  });
}

if (problems.length > 0) {
  console.error(`lint: ${problems.length} problem(s)\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`lint: ${libraryFiles.length + allTs.length - libraryFiles.length} files checked, no problems`);
