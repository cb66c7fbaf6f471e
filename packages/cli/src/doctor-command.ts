import type { CliIo } from "./cli.js";
import { parse } from "./internal/args.js";
import { diagnose, formatFindings } from "./doctor.js";

export const DOCTOR_HELP = `Usage: calltree doctor [DIR] [options]

Look at a project (DIR, default the current folder) and say what will not work with calltree there and how
to fix it: the tsconfig target and decorator mode, reflect-metadata when decorator metadata is emitted,
vite/vitest without swc, esbuild/tsx and decorator metadata, scripts that have Node run .ts files itself
(type stripping), the Node version, and whether the endpoint in PHOENIX_COLLECTOR_ENDPOINT /
OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is reachable (loopback endpoints only).

Options:
  --json        print the findings as JSON
  -h, --help    show this help

Exit codes: 0 nothing will stop calltree from working, 1 something will (each problem is printed with
its fix), 2 usage error.
`;

/** Runs `calltree doctor`; resolves with the exit code. */
export async function runDoctor(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: "boolean" } });
  const dir = positionals[0] ?? process.cwd();
  const findings = await diagnose({ dir });
  io.stdout.write(values.json ? `${JSON.stringify(findings, null, 2)}\n` : formatFindings(dir, findings));
  return findings.some((f) => f.severity === "fail") ? 1 : 0;
}
