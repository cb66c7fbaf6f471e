// `pnpm lint`: typescript-eslint's recommended rules plus the house rules as lint rules. `pnpm test` runs it first.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import { existsSync } from "node:fs";
import globals from "globals";
import tseslint from "typescript-eslint";
import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import * as otelStable from "@opentelemetry/semantic-conventions";
import * as otelIncubating from "@opentelemetry/semantic-conventions/incubating";

// Library code = what a package ships: packages/*/src without its tests and test helpers.
const LIBRARY = ["packages/*/src/**/*.{ts,mts,cts}"];
const TESTS = ["**/*.test.{ts,mts,cts}", "**/test-*.{ts,mts,cts}", "**/test/**", "**/tests/**"];

// Every attribute name the semantic-conventions packages define, and the families they build names in
// (`llm.input_messages.0.message.role`). A string literal that is one of them, or starts with one and a dot,
// is a hand-typed attribute name: it must come from the constants instead. One-word names (`metadata`) are left
// out: as literals they are object keys far more often than attribute names.
const attributeNames = new Set([
  ...Object.values(SemanticConventions).filter((name) => name.includes(".")),
  ...[otelStable, otelIncubating].flatMap((m) =>
    Object.entries(m)
      .filter(([name, value]) => name.startsWith("ATTR_") && typeof value === "string")
      .map(([, value]) => value),
  ),
]);
const families = ["gen_ai", "llm", "input", "output", "embedding", "reranker", "retrieval", "tool_call", "message", "document"];
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const attributePattern = `^(?:(?:${[...attributeNames].map(escape).join("|")})(?:$|\\.)|(?:${families.join("|")})\\.[a-z_])`;
const attributeMessage =
  "A hand-typed attribute name: take it from @arizeai/openinference-semantic-conventions or @opentelemetry/semantic-conventions.";

// The documented exceptions, each a file that exists (the old regex lint's allow-list named files that did not).
// The GenAI (`gen_ai.*`) names are incubating: OpenTelemetry's semantic-conventions README asks libraries to copy
// incubating names rather than import the unstable entry at run time (it has no types under the CJS build's Node10
// resolution either). Each file's test asserts every copy equals the package's ATTR_GEN_AI_* constant.
const COPIED_GENAI_NAMES = ["packages/llm/src/internal/genai.ts", "packages/otel/src/internal/genai-conventions.ts"];
for (const file of COPIED_GENAI_NAMES) {
  if (!existsSync(new URL(file, import.meta.url))) throw new Error(`eslint.config.mjs names ${file}, which does not exist`);
}

const onlyCall = {
  selector: "CallExpression[callee.type='MemberExpression'][callee.object.name=/^(test|it|describe|suite)$/][callee.property.name='only']",
  message: "`.only` would skip the rest of the suite.",
};

const exportAll = { selector: "ExportAllDeclaration", message: "`export *` makes internals public: list the exports by name." };

export default defineConfig(
  {
    ignores: ["**/node_modules/**", "**/dist/**", "**/dist-test/**", "**/.next/**", "docs/api/**", "**/.turbo/**", "bench/results/**", "**/.work/**"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // tsc's noUnusedLocals/noUnusedParameters check unused names, and count a `{@link X}` in TSDoc as a use.
      "@typescript-eslint/no-unused-vars": "off",
      // A `let` that a closure reads before its one assignment (a timer cleared by a callback) cannot be const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      "no-restricted-syntax": ["error", onlyCall],
      // Off, with their reasons. `any` and `Function` appear where a wrapper or decorator must accept any function
      // or constructor (`(...args: any[]) => any` is the only signature every function is assignable to), and in
      // tests that pass deliberately wrong options; `{}` is the "no extra options" type argument of Kind<O>.
      // tsc's strict mode, noUnused* and knip do the checking these would add.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-function-type": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      // Terminal output is the subject of several modules and tests: their regexes match ESC sequences on purpose.
      "no-control-regex": "off",
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?:@calltree/[^/]+|calltree)/(?:src|dist|internal)(?:/|$)",
              message: "Another package's internals: import its public entry (or a subpath it exports).",
            },
            {
              regex: "^(?:\\.\\./)+[\\w-]+/(?:src|dist)(?:/|$)",
              message: "A relative import into another package: depend on it and import its public entry.",
            },
            {
              regex: "^(?!@calltree/|calltree/)(?:@[^/]+/)?[^./][^/]*/(?:.+/)?(?:build|dist|src|internal)(?:/|$)",
              message: "A deep import of a package's files: use what its package.json `exports` (or main) makes public.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.{ts,mts,cts}"],
    rules: {
      // TypeScript itself reports undefined names, with the right lib and types.
      "no-undef": "off",
    },
  },
  {
    files: ["tests/testing-runners/jest/**"],
    languageOptions: { globals: globals.jest },
  },
  {
    files: ["**/*.{cjs,cts}"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Everything under a package's src/, its tests included.
    files: ["packages/*/src/**/*.{ts,mts,cts}"],
    rules: {
      "no-restricted-syntax": ["error", onlyCall, exportAll],
    },
  },
  {
    files: LIBRARY,
    ignores: TESTS,
    rules: {
      // The CLI writes to the streams it is given, register() reports through diag
      // and its exporters' own streams. A file that must print says so below.
      "no-console": "error",
      "no-restricted-syntax": [
        "error",
        onlyCall,
        exportAll,
        { selector: `Literal[value=/${attributePattern}/]`, message: attributeMessage },
        { selector: `TemplateElement[value.cooked=/${attributePattern}/]`, message: attributeMessage },
      ],
    },
  },
  {
    files: COPIED_GENAI_NAMES,
    rules: { "no-restricted-syntax": ["error", onlyCall, exportAll] },
  },
  {
    // register()'s lines in Workers and edge runtimes, which have no process.stderr: the runtime's console is their log.
    files: ["packages/otel/src/internal/console-write.ts"],
    rules: { "no-console": "off" },
  },
);
