// The app side of a scenario: calltree's register() exporting to a real backend, plus the ids of the traces the app
// made (so a scenario reads back exactly its own traces from Phoenix).
import { spawn } from "node:child_process";
import { register } from "@calltree/otel";
import type { RegisterOptions, Tracing } from "@calltree/otel";

type Processor = NonNullable<RegisterOptions["spanProcessors"]>[number];

/** A registration and the trace ids its spans belong to, in order of first appearance. */
export interface AppTracing {
  tracing: Tracing;
  traceIds: string[];
}

/** register() exporting to `endpoint` with the given options; records which traces the app's spans belong to. */
export function registerApp(options: RegisterOptions): AppTracing {
  const traceIds: string[] = [];
  const seen: Processor = {
    onStart(span) {
      const id = span.spanContext().traceId;
      if (!traceIds.includes(id)) traceIds.push(id);
    },
    onEnd() {},
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const tracing = register({
    flushOnExit: false,
    logLevel: "silent",
    ...options,
    spanProcessors: [seen, ...(options.spanProcessors ?? [])],
  });
  return { tracing, traceIds };
}

/** The environment without any tracing configuration of the caller's. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(PHOENIX_|OTEL_|CALLTREE_)/.test(k)) delete env[k];
  return { ...env, ...extra };
}

/** Runs a node program to its end, collecting its output. */
export function runNode(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
