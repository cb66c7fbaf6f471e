import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// Every ```ts block in README.md and docs/**.md is compiled by real tsc against the real packages. A block
// preceded by `<!-- not-checked: reason -->` is left out (shell sessions are never checked).
const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "../..");
const repo = join(pkg, "../..");
const work = join(pkg, ".work");

function markdownFiles(): string[] {
  const out = [join(repo, "README.md")];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === "api") continue; // generated API reference
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".md")) out.push(p);
    }
  };
  walk(join(repo, "docs"));
  return out;
}

interface Block {
  file: string;
  line: number;
  code: string;
}

function blocks(file: string): Block[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!.trim())) continue;
    const skip = i > 0 && /<!--\s*not-checked/.test(lines[i - 1]!);
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== "```") end++;
    if (!skip) found.push({ file, line: start + 1, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return found;
}

test("every TypeScript block in README.md and docs/ type-checks", () => {
  const all = markdownFiles().flatMap(blocks);
  assert.ok(all.length >= 15, `expected the docs to have code blocks, found ${all.length}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "src"), { recursive: true });
  const origin = new Map<string, Block>();
  all.forEach((b, i) => {
    const name = `block-${String(i).padStart(3, "0")}.ts`;
    origin.set(name, b);
    // Each block is its own module (top-level await allowed), so names never clash between blocks.
    writeFileSync(join(work, "src", name), `${b.code}\nexport {};\n`);
  });
  writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        lib: ["ES2023", "ESNext.Disposable", "ESNext.Decorators", "DOM"],
        types: ["node"],
        typeRoots: [join(pkg, "node_modules/@types")],
      },
      include: ["src"],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(work, "tsconfig.json")], { encoding: "utf8", cwd: pkg });
  const errors = `${r.stdout}${r.stderr}`.replace(/src\/(block-\d+\.ts)\((\d+),(\d+)\)/g, (_m, name: string, line: string) => {
    const b = origin.get(name)!;
    return `${relative(repo, b.file)}:${b.line + Number(line) - 1}`;
  });
  assert.equal(r.status, 0, `code blocks that do not compile:\n${errors}`);
});

test("the API reference (pnpm docs) builds from the TSDoc with no warning", () => {
  const typedoc = join(repo, "node_modules/.bin/typedoc");
  const r = spawnSync(typedoc, ["--options", join(repo, "typedoc.json"), "--emit", "none"], { encoding: "utf8", cwd: repo });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, /\[warning\]/);
});
