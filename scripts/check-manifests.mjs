#!/usr/bin/env node
// Every library package manifest has the shape of manifest-template.mjs: same exports layout, engines,
// sideEffects, files, build/test scripts, and @opentelemetry/api as a peer (never a dependency).
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { template, TEST_BUILD_STEP } from "./manifest-template.mjs";

const root = join(new URL(".", import.meta.url).pathname, "..");
const problems = [];
const dirs = readdirSync(join(root, "packages"));
for (const dir of dirs) {
  const file = join(root, "packages", dir, "package.json");
  if (!existsSync(file)) continue;
  const m = JSON.parse(readFileSync(file, "utf8"));
  const where = `packages/${dir}/package.json`;
  if (!/^(@calltree\/[a-z-]+|calltree)$/.test(m.name)) problems.push(`${where}: name must be @calltree/<name> or calltree`);
  if (m.private) problems.push(`${where}: library packages are published; remove "private"`);
  if (typeof m.description !== "string" || m.description.length < 20) problems.push(`${where}: needs a description`);
  const hasTests = existsSync(join(root, "packages", dir, "test", "tsconfig.json"));
  for (const key of Object.keys(template)) {
    let actual = m[key];
    let want = key === "scripts" && hasTests ? { ...template.scripts, build: template.scripts.build + TEST_BUILD_STEP } : template[key];
    if (key === "exports" && actual !== undefined) {
      // Further entries (core's `./kind` and `./sdk`) have the root's shape, with their own file name, and a
      // `typesVersions` entry for resolvers that ignore `exports` (TypeScript's node10, used by the CJS builds).
      actual = { ...actual };
      for (const sub of Object.keys(actual).filter((k) => k !== "." && k !== "./package.json")) {
        const name = sub.slice(2);
        const shaped = {
          import: { types: `./dist/esm/${name}.d.ts`, default: `./dist/esm/${name}.js` },
          require: { types: `./dist/cjs/${name}.d.ts`, default: `./dist/cjs/${name}.js` },
        };
        if (!/^[a-z]+$/.test(name) || !isDeepStrictEqual(actual[sub], shaped)) {
          problems.push(`${where}: export "${sub}" must be ${JSON.stringify(shaped)}`);
        }
        if (!isDeepStrictEqual(m.typesVersions?.["*"]?.[name], [`./dist/cjs/${name}.d.ts`])) {
          problems.push(`${where}: "typesVersions" must map "${name}" to ["./dist/cjs/${name}.d.ts"]`);
        }
        if (!existsSync(join(root, "packages", dir, "src", `${name}.ts`))) problems.push(`packages/${dir}/src/${name}.ts is missing`);
        delete actual[sub];
      }
    }
    // A package with a build for Workers and edge runtimes (src/web.ts) names it first, under the conditions their
    // bundlers use (wrangler: workerd, worker; Vercel: edge-light, worker).
    if (key === "exports" && existsSync(join(root, "packages", dir, "src", "web.ts"))) {
      const web = { types: "./dist/esm/web.d.ts", default: "./dist/esm/web.js" };
      want = { ...want, ".": { workerd: web, "edge-light": web, worker: web, ...want["."] } };
    }
    if (key === "peerDependencies") {
      actual = { "@opentelemetry/api": m.peerDependencies?.["@opentelemetry/api"] };
    }
    if (!isDeepStrictEqual(actual, want)) {
      problems.push(`${where}: "${key}" must be ${JSON.stringify(want)}, is ${JSON.stringify(m[key])}`);
    }
  }
  if (m.dependencies?.["@opentelemetry/api"]) problems.push(`${where}: @opentelemetry/api must be a peer dependency, not a dependency`);
  for (const [name, range] of Object.entries({ ...m.dependencies })) {
    if (name.startsWith("@calltree/") || name === "calltree") {
      if (range !== "workspace:*") problems.push(`${where}: workspace dependency ${name} must be "workspace:*"`);
    } else if (!/^\d+\.\d+\.\d+$/.test(range)) {
      problems.push(`${where}: dependency ${name} must be pinned to an exact version, is ${range}`);
    }
  }
  if (!existsSync(join(root, "packages", dir, "src", "index.ts"))) problems.push(`packages/${dir}/src/index.ts is missing`);
  if (!existsSync(join(root, "packages", dir, "README.md"))) problems.push(`packages/${dir}/README.md is missing`);
}
if (problems.length > 0) {
  console.error(`check-manifests: ${problems.length} problem(s)\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`check-manifests: ${dirs.length} library packages match the template`);
