#!/usr/bin/env node
import { runCli } from "./cli.js";

// `calltree view big.jsonl | head` closes the pipe early: that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`calltree: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
