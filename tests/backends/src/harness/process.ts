// A child server process the suite starts and always ends: its output kept (the tail is shown on failure),
// readiness polled through a probe, never slept for.
import { spawn } from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as delay } from "node:timers/promises";

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `count` distinct free ports (each one held until all are chosen, so they never collide). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<import("node:net").Server>((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve(server));
      }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === "object" && a ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** A started server process. */
export class ServerProcess {
  readonly child: ChildProcess;
  private output = "";
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly label: string,
    command: string,
    args: string[],
    options: SpawnOptions,
  ) {
    // detached: its own process group, so ending it also ends whatever it started (uvicorn workers).
    this.child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString("utf8");
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        resolve(this.exitCode);
      });
      this.child.once("error", (error) => {
        this.output += `\n[spawn error] ${error.message}`;
        this.exitCode = -1;
        resolve(-1);
      });
    });
    processes.add(this);
  }

  /** The last lines the process printed. */
  tail(lines = 40): string {
    return this.output.trimEnd().split("\n").slice(-lines).join("\n");
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /**
   * Polls `probe` until it resolves true. Fails with the log tail if the process exits first or `deadlineMs`
   * passes; the deadline is generous on purpose (a loaded 2-core machine), it asserts no speed.
   */
  async waitUntil(what: string, probe: () => Promise<boolean>, deadlineMs = 180_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      if (!this.running) {
        throw new Error(`${this.label} exited (code ${this.exitCode}) before ${what}. Its output:\n${this.tail()}`);
      }
      // A probe that hangs (a port that accepts and then stalls) is cut off, so the deadline below still holds.
      const settled = await Promise.race([probe().catch(() => false), delay(10_000, false)]);
      if (settled) return;
      if (Date.now() > until) {
        throw new Error(`${this.label}: no ${what} within ${deadlineMs / 1000} s. Its output:\n${this.tail()}`);
      }
      await delay(100); // a polling interval, not a wait for an event
    }
  }

  /** SIGTERM to its process group, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return void processes.delete(this);
    signalGroup(this.child, "SIGTERM");
    const timer = setTimeout(() => signalGroup(this.child, "SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
    processes.delete(this);
  }

  /** SIGKILL now: a crash, not a shutdown. */
  async kill(): Promise<void> {
    signalGroup(this.child, "SIGKILL");
    await this.exited;
    processes.delete(this);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

// Servers still running when the test process ends (a failed `before`, an uncaught error) are killed too.
const processes = new Set<ServerProcess>();
process.once("exit", () => {
  for (const p of processes) signalGroup(p.child, "SIGKILL");
});
