import { spawn } from "node:child_process";

/** What a child process printed and how it ended. */
export interface ChildOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

function once(args: readonly string[], passStderr: boolean): Promise<ChildOutput> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
      if (passStderr) process.stderr.write(c);
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs `node ...args` and collects its output. A workspace package rebuilt while the bench runs (its dist/ is
 * briefly gone: ERR_MODULE_NOT_FOUND) is not the child's failure: it waits and runs the child again, up to 3
 * more times.
 */
export async function runNode(args: readonly string[], options: { passStderr?: boolean; log?: (line: string) => void } = {}): Promise<ChildOutput> {
  let out = await once(args, options.passStderr ?? false);
  for (let attempt = 1; out.code !== 0 && out.stderr.includes("ERR_MODULE_NOT_FOUND") && attempt <= 3; attempt++) {
    options.log?.(`  a workspace package is missing its build (being rebuilt?); retrying in 10 s`);
    await new Promise((r) => setTimeout(r, 10_000));
    out = await once(args, options.passStderr ?? false);
  }
  return out;
}

/** The last non-empty line of a child's stdout, parsed as JSON. */
export function lastJsonLine<T>(stdout: string): T {
  const last = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as T;
}
