/** calltree's lines where no `process.stderr` exists (Workers, edge runtimes): the runtime's log. */
export function writeLine(text: string): void {
  const stderr = (globalThis as { process?: { stderr?: { write?: (t: string) => unknown } } }).process?.stderr;
  if (typeof stderr?.write === "function") stderr.write(text);
  else console.error(text.replace(/\n$/, ""));
}
