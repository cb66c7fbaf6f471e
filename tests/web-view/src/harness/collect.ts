import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
/** The published entry of the `calltree` command, as installed. */
const CALLTREE_BIN = join(dirname(require.resolve("@calltree/cli/package.json")), "dist/esm/bin.js");

/** A temporary directory removed on dispose. */
export function tempDir(): { path: string } & Disposable {
  const path = mkdtempSync(join(tmpdir(), "calltree-web-"));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

/** `calltree collect --ui` as a child process, both ports picked free. */
export class Collect implements AsyncDisposable {
  stdout = "";
  stderr = "";
  /** OTLP base URL (what `register({ endpoint })` takes). */
  url = "";
  /** The web view. */
  uiUrl = "";
  private readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8").on("data", (d: string) => (this.stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => child.on("close", (code) => resolve(code)));
  }

  static async start(args: string[] = []): Promise<Collect> {
    const child = spawn(process.execPath, [CALLTREE_BIN, "collect", "--port", "0", "--ui", "--ui-port", "0", "--no-color", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    const collect = new Collect(child);
    await collect.waitFor(() => /listening on (\S+)/.test(collect.stderr) && /web view on (\S+)/.test(collect.stderr), "the startup lines");
    collect.url = (/listening on (\S+)/.exec(collect.stderr)?.[1] ?? "").replace(/\/v1\/traces$/, "");
    collect.uiUrl = /web view on (\S+)/.exec(collect.stderr)?.[1] ?? "";
    return collect;
  }

  /** Number of trace headers printed on stdout (the console tree), i.e. traces handed out. */
  get tracesPrinted(): number {
    return (this.stdout.match(/^trace [0-9a-f]{32}/gm) ?? []).length;
  }

  /** Polls `condition` until it holds; the bound only turns a hang into a readable failure. */
  async waitFor(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.child.exitCode !== null) throw new Error(`calltree collect exited (${this.child.exitCode}) while waiting for ${what}: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; stderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.child.exitCode === null) this.child.kill("SIGINT");
    await this.exited;
  }
}

/** Runs `calltree ...args` to completion. */
export function runCalltree(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CALLTREE_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
