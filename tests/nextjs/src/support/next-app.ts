// Builds the Next.js app under next-app/ with `next build` and serves it with `next start` on 127.0.0.1.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
/** tests/nextjs */
export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../..");
export const APP_DIR = join(PACKAGE_DIR, "next-app");
const NEXT_BIN = join(dirname(require.resolve("next/package.json")), "dist/bin/next");

/** The environment every Next process gets: no telemetry, and only what the test gives. */
function nextEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
  // The test's own endpoint settings must not leak into the app.
  for (const key of ["PHOENIX_COLLECTOR_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OPENAI_BASE_URL", "OPENAI_API_KEY"]) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

export interface Run {
  code: number | null;
  output: string;
}

/** Runs `next <args>` to its end. */
export function next(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NEXT_BIN, ...args], { cwd: options.cwd ?? PACKAGE_DIR, env: nextEnv(options.env ?? {}) });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

export interface Server extends AsyncDisposable {
  readonly url: string;
  /** Everything the server printed so far. */
  output(): string;
  /** Stops the server (SIGTERM) and resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * `next start` on a free port of 127.0.0.1 (`-p 0`); resolves with its URL once it prints that it is ready.
 * Rejects if it exits first.
 */
export function start(dir: string, env: Record<string, string>): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, "start", dir, "-H", "127.0.0.1", "-p", "0"], {
    cwd: PACKAGE_DIR,
    env: nextEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let url: string | undefined;
    const onData = (d: Buffer) => {
      output += d.toString();
      url ??= /http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[0];
      if (url !== undefined && /Ready in/.test(output)) {
        const stop = async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        };
        resolve({ url, output: () => output, stop, [Symbol.asyncDispose]: stop });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`next start exited (${code}) before it was ready:\n${output}`)));
  });
}
