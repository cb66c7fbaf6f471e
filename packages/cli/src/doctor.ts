// `calltree doctor`'s checks: reads a project's tsconfig.json, package.json and sources, the running Node and the
// endpoint variables, and says in plain words what will not work with calltree there and how to fix it. Every
// "will not work" here is one a cell of tests/toolchains shows failing; the fix is the one that cell proves.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join, resolve } from "node:path";

/** How bad a finding is: `fail` means something will not work, and makes the command exit 1. */
type Severity = "ok" | "warn" | "fail";

/** One thing the doctor checked. */
export interface Finding {
  severity: Severity;
  /** What it looked at: `tsconfig.json`, `package.json`, `node`, `endpoint`. */
  topic: string;
  /** What it found, in plain words. */
  message: string;
  /** What to do about it, for `warn` and `fail`. */
  fix?: string;
}

/** Where the doctor looks; defaults are the running process's. */
export interface DiagnoseOptions {
  /** The project's folder (where package.json and tsconfig.json are). */
  dir: string;
  env?: NodeJS.ProcessEnv;
  /** The Node version the app runs on, e.g. `v22.18.0`; defaults to the one running the doctor. */
  nodeVersion?: string;
}

/** Parses JSON with comments and trailing commas, as tsconfig.json allows. */
export function parseJsonc(text: string): unknown {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      out += text.slice(start, i + 1);
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

interface CompilerOptions {
  target?: string;
  module?: string;
  experimentalDecorators?: boolean;
  emitDecoratorMetadata?: boolean;
}

/** The compiler options in effect: the file's own over those of the files it `extends` (relative paths and packages). */
function compilerOptions(file: string, seen = new Set<string>()): CompilerOptions {
  if (seen.has(file)) return {};
  seen.add(file);
  const json = parseJsonc(readFileSync(file, "utf8")) as { extends?: string | string[]; compilerOptions?: CompilerOptions };
  const bases = json.extends === undefined ? [] : Array.isArray(json.extends) ? json.extends : [json.extends];
  let merged: CompilerOptions = {};
  for (const base of bases) {
    const path = resolveExtends(dirname(file), base);
    if (path) merged = { ...merged, ...compilerOptions(path, seen) };
  }
  return { ...merged, ...(json.compilerOptions ?? {}) };
}

function resolveExtends(from: string, spec: string): string | undefined {
  const withJson = (p: string) => (existsSync(p) && statSync(p).isFile() ? p : existsSync(`${p}.json`) ? `${p}.json` : undefined);
  if (spec.startsWith(".") || spec.startsWith("/")) return withJson(resolve(from, spec));
  for (let dir = from; ; dir = dirname(dir)) {
    const p = join(dir, "node_modules", spec);
    const found = withJson(p) ?? withJson(join(p, "tsconfig.json"));
    if (found) return found;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The major version of the project's TypeScript: the one package.json names, else the one installed. */
function typescriptMajor(dir: string, deps: Record<string, string>): number | undefined {
  const declared = /(\d+)\./.exec(deps.typescript ?? "");
  if (declared) return Number(declared[1]);
  for (let d = dir; ; d = dirname(d)) {
    const p = join(d, "node_modules", "typescript", "package.json");
    if (existsSync(p)) return Number(String((JSON.parse(readFileSync(p, "utf8")) as { version?: string }).version).split(".")[0]);
    if (dirname(d) === d) return undefined;
  }
}

interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The project's TypeScript and JavaScript sources, outside node_modules and build output (at most 2,000 files). */
function sources(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (files.length >= 2000) return;
      if (name === "node_modules" || name.startsWith(".") || name === "dist" || name === "out" || name === "build") continue;
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/\.(c|m)?tsx?$/.test(name) && !name.endsWith(".d.ts")) files.push(p);
    }
  };
  walk(dir);
  return files;
}

// Node runs .ts files itself (type stripping) from 22.18 and 23.6 by default, and from 22.6 with a flag.
const STRIP_DEFAULT = (major: number, minor: number) => major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
const NODE_RUNS_TS = /(^|[\s;&|(])node(\s+--?[\w-]+(=\S+)?)*\s+[^\s;&|]+\.(m|c)?ts(\s|$|;|&|\|)/;
const STRIP_FLAG = /--experimental-(strip|transform)-types/;

// A calltree decorator in a source file (a line that starts with one of the kinds' decorators).
const CALLTREE_DECORATOR = /^\s*@(agent|chain|embedding|evaluator|guardrail|llm|prompt|reranker|retriever|tool)\b/m;

/** Runs every check. */
export async function diagnose(options: DiagnoseOptions): Promise<Finding[]> {
  const dir = resolve(options.dir);
  const env = options.env ?? process.env;
  const nodeVersion = options.nodeVersion ?? process.version;
  const findings: Finding[] = [];

  const pkgPath = join(dir, "package.json");
  const pkg: PackageJson = existsSync(pkgPath) ? (JSON.parse(readFileSync(pkgPath, "utf8")) as PackageJson) : {};
  const deps = { ...(pkg.dependencies ?? {}), ...(pkg.devDependencies ?? {}) };
  const has = (name: string) => name in deps;

  // Next.js compiles the app itself (SWC), whatever tsconfig.json's target says.
  const nextjs = has("next") || ["js", "mjs", "cjs", "ts", "mts"].some((ext) => existsSync(join(dir, `next.config.${ext}`)));
  let decorated: boolean | undefined;
  const usesDecorators = () => (decorated ??= sources(dir).some((f) => CALLTREE_DECORATOR.test(readFileSync(f, "utf8"))));
  let nextjsStandard = false;

  // The decorator mode and the target.
  const tsconfigPath = join(dir, "tsconfig.json");
  let legacy = false;
  let metadata = false;
  if (!existsSync(tsconfigPath)) {
    findings.push({
      severity: "warn",
      topic: "tsconfig.json",
      message: "no tsconfig.json here: the decorator mode and the target could not be checked.",
      fix: 'run the doctor in the folder of your tsconfig.json, or create one with "target": "ES2022".',
    });
  } else {
    let co: CompilerOptions | undefined;
    try {
      co = compilerOptions(tsconfigPath);
    } catch (error) {
      findings.push({
        severity: "fail",
        topic: "tsconfig.json",
        message: `cannot be read: ${(error as Error).message}`,
        fix: "fix the file's syntax (TypeScript reports the same error).",
      });
    }
    if (co) {
      legacy = co.experimentalDecorators === true;
      nextjsStandard = nextjs && !legacy && usesDecorators();
      metadata = legacy && co.emitDecoratorMetadata === true;
      // TypeScript 5.x takes an absent target from `module`: node16/node18/nodenext mean ESNext.
      const ts = typescriptMajor(dir, deps);
      const impliedEsnext =
        co.target === undefined && /^node(16|18|20|next)$/i.test(String(co.module ?? "")) && (ts === undefined || ts < 6);
      const target = String(co.target ?? (impliedEsnext ? `ESNext (implied by "module": "${co.module}")` : "(default)"));
      if (nextjsStandard) {
        findings.push({
          severity: "fail",
          topic: "tsconfig.json",
          message:
            "a Next.js project with standard decorators: Next's compiler (SWC) compiles decorators as the 2018-09 " +
            "proposal unless experimentalDecorators is set, and calltree's decorators then stop `next build` with " +
            "UNSUPPORTED_DECORATOR_MODE (the target does not matter: Next compiles the TypeScript, not tsc).",
          fix: 'set "experimentalDecorators": true in tsconfig.json, or use kind.wrap(fn) instead of @kind.',
        });
      } else if (!legacy && impliedEsnext) {
        findings.push({
          severity: "fail",
          topic: "tsconfig.json",
          message:
            `standard decorators with no "target" and "module": "${co.module}": TypeScript ${ts ?? "5"} then targets ESNext and ` +
            "leaves the decorators in the emitted JavaScript; Node stops at the first @ with " +
            '"SyntaxError: Invalid or unexpected token".',
          fix: 'set "target": "ES2022" in tsconfig.json (TypeScript then compiles the decorators away).',
        });
      } else if (!legacy && target.toLowerCase() === "esnext") {
        findings.push({
          severity: "fail",
          topic: "tsconfig.json",
          message:
            'standard decorators with "target": "ESNext": TypeScript leaves the decorators in the emitted JavaScript, ' +
            "and Node (and any runtime without decorator syntax) stops at the first @ with " +
            '"SyntaxError: Invalid or unexpected token".',
          fix: 'set "target": "ES2022" in tsconfig.json (TypeScript then compiles the decorators away).',
        });
      } else {
        findings.push({
          severity: "ok",
          topic: "tsconfig.json",
          message: `${legacy ? `legacy decorators (experimentalDecorators${metadata ? " with emitDecoratorMetadata" : ""})` : "standard decorators"}, target ${target}.`,
        });
      }
    }
  }

  if (metadata) {
    const importsIt = sources(dir).some((f) => /["']reflect-metadata["']/.test(readFileSync(f, "utf8")));
    if (!importsIt) {
      findings.push({
        severity: "warn",
        topic: "reflect-metadata",
        message:
          "emitDecoratorMetadata is on but no source file imports reflect-metadata: the design-type metadata other " +
          "decorators (NestJS, TypeORM...) read is silently not recorded. calltree itself does not need it.",
        fix: 'add `import "reflect-metadata";` as the first line of your entry point (npm i reflect-metadata).',
      });
    }
  }

  // Test runners and bundlers.
  if ((has("vitest") || has("vite")) && !legacy && !has("unplugin-swc")) {
    findings.push({
      severity: "fail",
      topic: "package.json",
      message:
        `${has("vitest") ? "vitest" : "vite"} with standard decorators: vite does not compile them, and the decorated ` +
        'file fails with "SyntaxError: Invalid or unexpected token" (no file or line given).',
      fix:
        'npm i -D unplugin-swc @swc/core, then in vitest.config: import swc from "unplugin-swc"; plugins: ' +
        '[swc.vite({ jsc: { parser: { syntax: "typescript", decorators: true }, transform: { decoratorVersion: "2022-03" } } })].',
    });
  }
  const noMetadataTools = ["esbuild", "tsx"].filter(has);
  // Babel emits the metadata only with a plugin of its own.
  if (has("@babel/plugin-proposal-decorators") && !has("babel-plugin-transform-typescript-metadata")) noMetadataTools.push("Babel");
  if (metadata && noMetadataTools.length > 0) {
    findings.push({
      severity: "warn",
      topic: "package.json",
      message: `${noMetadataTools.join(", ").replace(/, ([^,]*)$/, " and $1")} ${noMetadataTools.length > 1 ? "do" : "does"} not emit decorator metadata: code run through ${noMetadataTools.length > 1 ? "them" : "it"} has no design:paramtypes (calltree's spans are the same).`,
      fix: "build what needs the metadata (NestJS apps) with tsc or swc (decoratorMetadata: true)" +
        (noMetadataTools.includes("Babel") ? ", or add babel-plugin-transform-typescript-metadata to Babel." : "."),
    });
  }

  if (nextjs) {
    const instrumentation = ["instrumentation.ts", "instrumentation.js", "src/instrumentation.ts", "src/instrumentation.js"]
      .map((f) => join(dir, f))
      .find((f) => existsSync(f));
    if (instrumentation === undefined || !/@calltree\/otel|["']calltree["']/.test(readFileSync(instrumentation, "utf8"))) {
      findings.push({
        severity: "warn",
        topic: "next.js",
        message: `${instrumentation === undefined ? "no instrumentation.ts" : `${instrumentation.slice(dir.length + 1)} does not load calltree`}: Next.js sets up tracing from the register() that instrumentation.ts exports, once per server process.`,
        fix: 'in instrumentation.ts: export async function register() { if (process.env.NEXT_RUNTIME === "nodejs") ' +
          '{ const { register } = await import("@calltree/otel"); register(); } } (see docs/runtimes.md#nextjs).',
      });
    }
    if (!nextjsStandard && usesDecorators()) {
      findings.push({
        severity: "warn",
        topic: "next.js",
        message: "`next build` minifies server code: spans named after their class (Assistant.run) get a mangled class name (such as xp.run).",
        fix: 'name the spans you look for: @agent({ name: "Assistant.run" }).',
      });
    }
  }

  // Node's type stripping.
  const [major = 0, minor = 0] = nodeVersion.replace(/^v/, "").split(".").map(Number);
  const stripping = Object.entries(pkg.scripts ?? {}).filter(([, cmd]) => STRIP_FLAG.test(cmd) || NODE_RUNS_TS.test(cmd));
  for (const [name, cmd] of stripping) {
    findings.push({
      severity: "fail",
      topic: "package.json",
      message: `script "${name}" (${cmd}) has Node run TypeScript itself (type stripping), which cannot run decorators: it stops at the first @ with a SyntaxError.`,
      fix: `compile with tsc and run the JavaScript, or run the file with tsx (npx tsx ${cmd.match(/[^\s;&|]+\.(m|c)?ts/)?.[0] ?? "main.ts"}).`,
    });
  }
  if (major < 20) {
    findings.push({ severity: "fail", topic: "node", message: `Node ${nodeVersion}: calltree needs Node 20 or newer.`, fix: "upgrade Node to 20 or newer (22 or 24 LTS)." });
  } else {
    findings.push({
      severity: "ok",
      topic: "node",
      message: `Node ${nodeVersion}${STRIP_DEFAULT(major, minor) ? " (runs .ts files by type stripping, which cannot run decorators: compile them or use tsx)" : ""}.`,
    });
  }

  findings.push(await endpointFinding(env));
  return findings;
}

const ENDPOINT_VARS = ["PHOENIX_COLLECTOR_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"] as const;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

async function endpointFinding(env: NodeJS.ProcessEnv): Promise<Finding> {
  const name = ENDPOINT_VARS.find((v) => env[v]);
  if (!name) {
    return {
      severity: "ok",
      topic: "endpoint",
      message: "none configured: register() prints each trace in the terminal. Set PHOENIX_COLLECTOR_ENDPOINT to export them.",
    };
  }
  const value = env[name]!;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { severity: "fail", topic: "endpoint", message: `${name}="${value}" is not a URL.`, fix: `set it to e.g. http://localhost:6006.` };
  }
  if (!LOOPBACK.has(url.hostname)) {
    return { severity: "ok", topic: "endpoint", message: `${name}=${value} (only loopback endpoints are probed).` };
  }
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  // localhost may resolve to either loopback address: something listening on one of them is enough.
  const hosts = url.hostname === "localhost" ? ["127.0.0.1", "::1"] : [url.hostname.replace(/^\[|\]$/g, "")];
  let reachable: string | true = "no answer";
  let host = hosts[0]!;
  for (const h of hosts) {
    const r = await probe(h, port);
    if (r === true || h === hosts[0]) [reachable, host] = [r, h];
    if (r === true) break;
  }
  return reachable === true
    ? { severity: "ok", topic: "endpoint", message: `${name}=${value}: something listens on ${host}:${port}.` }
    : {
        severity: "fail",
        topic: "endpoint",
        message: `${name}=${value}: nothing listens on ${host}:${port} (${reachable}); every export will fail.`,
        fix: `start your collector there (\`npx calltree collect --port ${port}\` or Phoenix), or unset ${name} to print traces in the terminal.`,
      };
}

/** Opens a TCP connection to `host:port`: true if it connects, else why not. */
function probe(host: string, port: number): Promise<string | true> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.setTimeout(3000, () => {
      socket.destroy();
      done("no answer");
    });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** The findings as text, one block per finding, `FAIL` and `warn` with their fix. */
export function formatFindings(dir: string, findings: Finding[]): string {
  const label = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;
  const lines = [`calltree doctor: ${resolve(dir)}`];
  for (const f of findings) {
    lines.push(`  ${label[f.severity]}  ${f.topic}: ${f.message}`);
    if (f.fix && f.severity !== "ok") lines.push(`        fix: ${f.fix}`);
  }
  const fails = findings.filter((f) => f.severity === "fail").length;
  lines.push(fails === 0 ? "Nothing here will stop calltree from working." : `${fails} problem${fails > 1 ? "s" : ""} will stop calltree from working; fix ${fails > 1 ? "them" : "it"} as shown.`);
  return `${lines.join("\n")}\n`;
}
