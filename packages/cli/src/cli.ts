import { UsageError } from "./internal/args.js";
import { VERSION } from "./internal/version.js";
import { runCollect, COLLECT_HELP } from "./collect-command.js";
import { runView, VIEW_HELP } from "./view-command.js";
import { runDoctor, DOCTOR_HELP } from "./doctor-command.js";

/** Where a command reads and writes; the process's own streams outside tests. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean | undefined };
  stderr: NodeJS.WritableStream & { isTTY?: boolean | undefined };
  stdin: NodeJS.ReadableStream;
}

/** Exit codes of the `calltree` command. */
const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const MAIN_HELP = `Usage: calltree <command> [options]

Commands:
  collect   receive OTLP/HTTP traces, print each one as a tree, append them to a file
  view      render traces stored by \`calltree collect\` or the file exporter of @calltree/otel
  doctor    check a project's tsconfig, tools, Node and endpoint; say what will not work and how to fix it

Options:
  -h, --help      show help (\`calltree <command> --help\` for a command)
  -v, --version   print the version

Exit codes: 0 ok, 1 runtime failure (unreadable file, port in use...), 2 usage error.
`;

/**
 * Runs `calltree` with `argv` (without the node and script paths) and resolves with the exit code.
 * `collect` resolves only after SIGINT or SIGTERM.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "collect":
        return rest.includes("--help") || rest.includes("-h") ? help(io, COLLECT_HELP) : await runCollect(rest, io);
      case "view":
        return rest.includes("--help") || rest.includes("-h") ? help(io, VIEW_HELP) : await runView(rest, io);
      case "doctor":
        return rest.includes("--help") || rest.includes("-h") ? help(io, DOCTOR_HELP) : await runDoctor(rest, io);
      case "--version":
      case "-v":
        io.stdout.write(`${VERSION}\n`);
        return EXIT.ok;
      case "--help":
      case "-h":
      case "help":
        return help(io, MAIN_HELP);
      case undefined:
        io.stderr.write(MAIN_HELP);
        return EXIT.usage;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    const where = command === "collect" || command === "view" || command === "doctor" ? `calltree ${command}` : "calltree";
    if (error instanceof UsageError) {
      io.stderr.write(`${where}: ${error.message}\nRun \`${where} --help\` for usage.\n`);
      return EXIT.usage;
    }
    io.stderr.write(`${where}: ${(error as Error).message}\n`);
    return EXIT.failure;
  }
}

function help(io: CliIo, text: string): number {
  io.stdout.write(text);
  return EXIT.ok;
}
