// Child processes for the reliability suite: a node script run to completion, and `calltree collect` running in
// the background. Every child gets an environment without calltree/OpenTelemetry settings but the ones a test
// gives, and is killed if it outlives its time limit.
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The `calltree` command's script. */
export const CLI_BIN = join(dirname(require.resolve("@calltree/cli/package.json")), "dist/esm/bin.js");

/** `process.env` without variables that configure calltree, OpenTelemetry, Phoenix or the test runner. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(OTEL_|PHOENIX_|CALLTREE_|NODE_TEST|NODE_OPTIONS)/.test(e[0])),
  );
  return { ...base, ...extra };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node [nodeArgs] script [args]` to completion (SIGKILL after `timeoutMs`). */
export function runNode(
  script: string,
  args: string[] = [],
  options: { env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number; input?: string; cwd?: string } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
      env: options.env ?? cleanEnv(),
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** `calltree collect` as a child process on a free port of 127.0.0.1 (unless `args` say otherwise). */
export class CollectProcess {
  stdout = "";
  stderr = "";
  /** The traces URL from its startup line. */
  tracesUrl = "";
  port = 0;
  private readonly exited: Promise<Finished>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8").on("data", (d: string) => (this.stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      child.on("close", (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  static async start(args: string[], cwd?: string): Promise<CollectProcess> {
    const child = spawn(process.execPath, [CLI_BIN, "collect", "--port", "0", ...args], { env: cleanEnv(), cwd, stdio: ["pipe", "pipe", "pipe"] });
    const collect = new CollectProcess(child);
    await collect.waitFor(() => /listening on (\S+)/.test(collect.stderr), "the startup line", 120_000);
    collect.tracesUrl = /listening on (\S+)/.exec(collect.stderr)?.[1] ?? "";
    collect.port = Number(new URL(collect.tracesUrl).port);
    return collect;
  }

  /** Base URL, for `register({ endpoint })`. */
  get origin(): string {
    return new URL(this.tracesUrl).origin;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitFor(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      if (this.child.exitCode !== null) throw new Error(`calltree collect exited (${this.child.exitCode}) while waiting for ${what}: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Ends it with `signal` (it prints what is pending and exits 0) and waits for the exit. */
  stop(signal: NodeJS.Signals = "SIGINT"): Promise<Finished> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.alive) this.child.kill("SIGKILL");
    await this.exited;
  }
}
