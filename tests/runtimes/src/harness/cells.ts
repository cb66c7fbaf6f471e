// The runtime cells: each starts the app (app/) on one runtime, serving on 127.0.0.1 and exporting to the given
// endpoint, and says how to stop it. A cell either serves (the test sends it 1,000 requests) or is a documented
// "not supported", whose error the test checks.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const pkgRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const dist = join(pkgRoot, "dist/esm");
const work = join(pkgRoot, ".work");
const require = createRequire(import.meta.url);
const nodeVersions = createRequire(require.resolve("@calltree-internal/node-versions/package.json"));

const bins = {
  node20: process.execPath,
  node22: nodeVersions.resolve("node22/bin/node"),
  node24: nodeVersions.resolve("node24/bin/node"),
  bun: join(dirname(require.resolve("bun/package.json")), "bin", "bun.exe"),
  // The binary itself, not its bin.cjs wrapper, whose child would outlive a SIGTERM to the wrapper.
  deno: join(dirname(require.resolve("deno/package.json")), "deno"),
  // The binary of workerd's optional dependency for this platform, as its own bin/workerd shim finds it.
  workerd: createRequire(require.resolve("workerd/package.json")).resolve(`@cloudflare/workerd-${process.platform}-${process.arch === "x64" ? "64" : process.arch}/bin/workerd`),
};

/** A runtime serving the app. */
interface Started {
  url: string;
  /** What the runtime printed on stderr so far. */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** Asks the runtime to end (SIGTERM: Node, Bun and Deno flush at it) and waits for it. */
  stop(): Promise<void>;
}

export interface Cell {
  id: string;
  /** The Runtime column of docs/runtimes.md. */
  runtime: string;
  /** The Setup column. */
  setup: string;
  expect: "pass" | "unsupported";
  /** For "unsupported": what the docs say, and what the error must contain. */
  advice?: string;
  mustSay?: string[];
  start(endpoint: string): Promise<Started>;
}

function launch(command: string, args: string[], options: { env?: Record<string, string>; cwd?: string; controlFd?: boolean }): {
  child: ChildProcess;
  port: Promise<number>;
  stderr: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(command, args, {
    cwd: options.cwd ?? pkgRoot,
    env: { ...process.env, ...options.env },
    stdio: options.controlFd ? ["ignore", "pipe", "pipe", "pipe"] : ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err += c.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const port = new Promise<number>((resolve, reject) => {
    let out = "";
    const source = options.controlFd ? (child.stdio[3] as NodeJS.ReadableStream) : child.stdout!;
    source.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      // `listening <port>` from our servers; `{"event":"listen",...,"port":N}` on workerd's control fd.
      const m = /listening (\d+)/.exec(out) ?? /"event":"listen".*?"port":(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    if (!options.controlFd) child.stdout!.on("data", () => undefined);
    void exited.then((code) => reject(new Error(`${command} exited (${code}) before listening:\n${err}`)));
  });
  return { child, port, stderr: () => err, exited };
}

async function started(l: ReturnType<typeof launch>): Promise<Started> {
  const port = await l.port;
  return {
    url: `http://127.0.0.1:${port}`,
    stderr: l.stderr,
    exited: l.exited,
    stop: async () => {
      if (l.child.exitCode === null && l.child.signalCode === null) l.child.kill("SIGTERM");
      await l.exited;
    },
  };
}

/** Node, Bun, Deno: app/serve.js, with the transport named. */
function serveCell(id: string, runtime: string, setup: string, command: string, args: (file: string) => string[], transport: "node" | "fetch", env: Record<string, string> = {}): Cell {
  return {
    id,
    runtime,
    setup,
    expect: "pass",
    start: (endpoint) => started(launch(command, args(join(dist, "app/serve.js")), {
      env: { PHOENIX_COLLECTOR_ENDPOINT: endpoint, CALLTREE_TEST_TRANSPORT: transport, ...env },
    })),
  };
}

/** Bundles an app entry as the platform's bundler does (wrangler, Vercel: esbuild, with their export conditions). */
async function bundle(entry: string, out: string, conditions: string[], format: "esm" | "iife", define: Record<string, string> = {}): Promise<void> {
  await build({
    entryPoints: [join(dist, entry)],
    outfile: out,
    bundle: true,
    format,
    platform: "browser",
    conditions,
    target: "es2022",
    define,
    external: ["node:*"],
    logLevel: "error",
  });
}

/** A workerd config: the bundle as the main module, the endpoint as a binding, fetch allowed to reach 127.0.0.1. */
function workerdConfig(dir: string, module: string, date: string, flags: string[], endpoint: string): string {
  const file = join(dir, "config.capnp");
  writeFileSync(file, `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "${module}") ],
  compatibilityDate = "${date}",
  compatibilityFlags = [${flags.map((f) => `"${f}"`).join(", ")}],
  bindings = [ (name = "OTLP_ENDPOINT", text = "${endpoint}") ],
  globalOutbound = "loopback",
);
`);
  return file;
}

/** A cell whose app is bundled into .work/<id>/ first, then started by `launchIn(dir)`. */
function bundledCell(
  id: string,
  runtime: string,
  setup: string,
  unsupported: { advice: string; mustSay: string[] } | undefined,
  launchIn: (dir: string, endpoint: string) => Promise<ReturnType<typeof launch>>,
): Cell {
  return {
    id,
    runtime,
    setup,
    expect: unsupported ? "unsupported" : "pass",
    ...(unsupported ?? {}),
    start: async (endpoint) => {
      const dir = join(work, id);
      mkdirSync(dir, { recursive: true });
      return started(await launchIn(dir, endpoint));
    },
  };
}

function workerdCell(id: string, setup: string, entry: string, date: string, flags: string[], unsupported?: { advice: string; mustSay: string[] }): Cell {
  return bundledCell(id, "Cloudflare Workers (workerd 1.20261117)", setup, unsupported, async (dir, endpoint) => {
    await bundle(entry, join(dir, "worker.js"), ["workerd", "worker"], "esm");
    const config = workerdConfig(dir, "worker.js", date, flags, endpoint);
    return launch(bins.workerd, ["serve", config, "--control-fd=3"], { cwd: dir, controlFd: true });
  });
}

function edgeCell(id: string, setup: string, als: boolean, unsupported?: { advice: string; mustSay: string[] }): Cell {
  return bundledCell(id, "Vercel edge runtime (edge-runtime 4.0)", setup, unsupported, async (dir, endpoint) => {
    const out = join(dir, "edge.js");
    await bundle("app/edge.js", out, ["edge-light", "worker"], "iife", { OTLP_ENDPOINT: JSON.stringify(endpoint) });
    return launch(process.execPath, [join(dist, "harness/serve-edge.js"), out, ...(als ? ["--als"] : [])], {});
  });
}

const denoArgs = (file: string) => ["run", "--allow-all", "--no-prompt", file];
const denoEnv = { DENO_DIR: join(work, "deno-dir"), DENO_NO_UPDATE_CHECK: "1" };

/** Before a compatibility date in August 2026 (after it, workerd turns nodejs_compat on by itself). */
const OLD_DATE = "2025-09-01";
const NEW_DATE = "2026-11-01";
const NO_ALS_ADVICE =
  'add the `nodejs_compat` compatibility flag (or `nodejs_als` and `register({ asyncLocalStorage: AsyncLocalStorage })`): register() throws `NO_ASYNC_CONTEXT` saying so';
const NO_ALS_MUST_SAY = ["CalltreeError", "no AsyncLocalStorage", 'compatibility_flags = ["nodejs_compat"]', "asyncLocalStorage: AsyncLocalStorage"];

export const cells: Cell[] = [
  serveCell("node20", "Node 20.20", "`node:http` server, `node:http` transport (default)", bins.node20, (f) => [f], "node"),
  serveCell("node22", "Node 22.23", "`node:http` server, `node:http` transport (default)", bins.node22, (f) => [f], "node"),
  serveCell("node24", "Node 24.9", "`node:http` server, `node:http` transport (default)", bins.node24, (f) => [f], "node"),
  serveCell("bun", "Bun 1.4", '`Bun.serve`, `transport: "fetch"`', bins.bun, (f) => [f], "fetch"),
  serveCell("deno", "Deno 2.9", '`Deno.serve`, `transport: "fetch"`', bins.deno, denoArgs, "fetch", denoEnv),
  workerdCell("workerd-compat", '`compatibility_flags = ["nodejs_compat"]`, `ctx.waitUntil` by `tracing.handler()`', "app/worker.js", OLD_DATE, ["nodejs_compat"]),
  workerdCell("workerd-als", '`compatibility_flags = ["nodejs_als"]`, `register({ asyncLocalStorage })`', "app/worker-als.js", OLD_DATE, ["nodejs_als"]),
  workerdCell("workerd-default", "no flags, `compatibility_date` 2026-11-01 (`nodejs_compat` is on by default)", "app/worker.js", NEW_DATE, []),
  workerdCell("workerd-none", `no flags, \`compatibility_date\` ${OLD_DATE}`, "app/worker.js", OLD_DATE, [], { advice: NO_ALS_ADVICE, mustSay: NO_ALS_MUST_SAY }),
  edgeCell("edge", "`AsyncLocalStorage` global (as Vercel and Next.js provide it), `event.waitUntil` by `tracing.handler()`", true),
  edgeCell("edge-no-als", "no `AsyncLocalStorage` global", false, {
    advice: "the runtime must provide `AsyncLocalStorage` (Vercel's and Next.js's edge runtimes do): register() throws `NO_ASYNC_CONTEXT`",
    mustSay: ["CalltreeError", "no AsyncLocalStorage"],
  }),
];
