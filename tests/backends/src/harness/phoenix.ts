// A real Arize Phoenix (`phoenix serve`) on free ports of 127.0.0.1, with its own temporary working directory
// (SQLite database inside it) and telemetry off. Ended, and its directory removed, by close().
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendPaths } from "./paths.js";
import { freePorts, ServerProcess } from "./process.js";

/** A running Phoenix. */
export interface Phoenix {
  /** `http://127.0.0.1:PORT`: the UI, REST (`/v1/...`), GraphQL (`/graphql`) and OTLP/HTTP (`/v1/traces`). */
  readonly url: string;
  /** Where an OTLP/HTTP exporter sends spans. */
  readonly tracesUrl: string;
  readonly grpcPort: number;
  readonly workingDir: string;
  readonly process: ServerProcess;
  /** Its version, as its server reports it. */
  readonly version: string;
  /** The last lines of its log. */
  tail(lines?: number): string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Phoenix's own price list (the model_cost_manifest.json of the installed arize-phoenix). */
export function phoenixManifestPath(): string {
  const lib = join(backendPaths().venv, "lib");
  const python = readdirSync(lib).find((d) => d.startsWith("python3"));
  return join(lib, python ?? "python3.11", "site-packages/phoenix/server/cost_tracking/model_cost_manifest.json");
}

/** Starts Phoenix and resolves once it answers HTTP; rejects with its log tail if it cannot start. */
export async function startPhoenix(): Promise<Phoenix> {
  const paths = backendPaths();
  const [port, grpcPort] = (await freePorts(2)) as [number, number];
  const workingDir = mkdtempSync(join(tmpdir(), "calltree-phoenix-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PHOENIX_HOST: "127.0.0.1",
    PHOENIX_PORT: String(port),
    PHOENIX_GRPC_PORT: String(grpcPort),
    PHOENIX_WORKING_DIR: workingDir,
    PHOENIX_TELEMETRY_ENABLED: "false",
    PHOENIX_ENABLE_AUTH: "false",
    PYTHONUNBUFFERED: "1",
    DO_NOT_TRACK: "1",
  };
  // Settings from the caller's environment must not reach this server (or the app's exporters).
  for (const k of Object.keys(env)) {
    if (/^(PHOENIX_(SQL_DATABASE|POSTGRES|COLLECTOR_ENDPOINT|PROJECT_NAME|API_KEY|CLIENT_HEADERS))/.test(k)) delete env[k];
  }
  const server = new ServerProcess("phoenix serve", paths.phoenix, ["serve"], { env, cwd: workingDir });
  const url = `http://127.0.0.1:${port}`;
  let version = "";
  try {
    await server.waitUntil(`answer on ${url}/healthz`, async () => {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
      if (!r.ok) return false;
      const v = await fetch(`${url}/arize_phoenix_version`, { signal: AbortSignal.timeout(10_000) });
      version = (await v.text()).trim();
      return v.ok;
    }, 420_000); // Phoenix imports a large Python app: minutes on a loaded 2-core machine. Not a speed assertion.
  } catch (error) {
    await server.stop();
    rmSync(workingDir, { recursive: true, force: true });
    throw error;
  }
  const close = async () => {
    await server.stop();
    rmSync(workingDir, { recursive: true, force: true });
  };
  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    grpcPort,
    workingDir,
    process: server,
    version,
    tail: (lines) => server.tail(lines),
    close,
    [Symbol.asyncDispose]: close,
  };
}
