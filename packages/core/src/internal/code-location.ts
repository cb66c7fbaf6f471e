import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_CODE_COLUMN_NUMBER,
  ATTR_CODE_FILE_PATH,
  ATTR_CODE_FUNCTION_NAME,
  ATTR_CODE_LINE_NUMBER,
} from "@opentelemetry/semantic-conventions";

// Frames of the decorator machinery itself: TypeScript's, Babel's and SWC's decorator helpers, and calltree.
const HELPER = /^(?:__esDecorate|__decorate|__runInitializers|__decorateClass|_ts_decorate|_apply_decs\w*|applyDecs\w*|_decorate|Reflect\.decorate|DecorateProperty|DecorateConstructor)$/;
const FRAME = /^\s*at (?:(?:async )?(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

function ownDirectory(): string | undefined {
  const line = new Error().stack?.split("\n")[1];
  const m = line === undefined ? null : FRAME.exec(line);
  const file = m?.[2];
  if (file === undefined) return undefined;
  // .../core/dist/esm/internal/code-location.js (or .../core/src/... when source maps are on) -> .../core/
  const i = Math.max(file.lastIndexOf("/dist/"), file.lastIndexOf("/src/"));
  return i >= 0 ? file.slice(0, i + 1) : file.slice(0, file.lastIndexOf("/") + 1);
}

const OWN_DIR = ownDirectory();
// Kind packages sit between the user's code and core (a kind may wrap core's decorator). Their frames are skipped
// too: installed, they live under `@calltree/` (or the `calltree` umbrella); in calltree's own workspace they are
// core's siblings.
const SIBLINGS_DIR = OWN_DIR === undefined ? undefined : OWN_DIR.slice(0, OWN_DIR.slice(0, -1).lastIndexOf("/") + 1);
const CALLTREE_PATH = /[\\/](?:@calltree[\\/][^\\/]+|calltree)[\\/](?:dist|src)[\\/]/;

function isCalltreeFrame(file: string): boolean {
  if (OWN_DIR !== undefined && file.startsWith(OWN_DIR)) return true;
  if (CALLTREE_PATH.test(file)) return true;
  // calltree's own tests and fixtures live beside the packages and are user code for this purpose.
  return (
    SIBLINGS_DIR !== undefined &&
    SIBLINGS_DIR.endsWith("/packages/") &&
    file.startsWith(SIBLINGS_DIR) &&
    !/\.test\.[cm]?[jt]s$|[\\/]fixtures[\\/]/.test(file)
  );
}

function cleanPath(file: string): string {
  return file.startsWith("file://") ? decodeURIComponent(file.slice(7)) : file;
}

/**
 * Where a decorator was applied or `wrap()` was called: the first stack frame outside calltree and the
 * decorator helpers compilers emit. Taken once, when the decorator runs, so calls pay nothing for it. With
 * `--enable-source-maps` the file and line are those of the TypeScript source.
 */
export function codeLocation(functionName: string, skipDirs: readonly string[] = []): Attributes {
  const attributes: Attributes = { [ATTR_CODE_FUNCTION_NAME]: functionName };
  try {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 30;
    const stack = new Error().stack ?? "";
    Error.stackTraceLimit = limit;
    for (const line of stack.split("\n").slice(1)) {
      const m = FRAME.exec(line);
      if (m === null) continue;
      const fn = m[1] ?? "";
      const file = m[2] ?? "";
      if (file.startsWith("node:") || file === "native" || file === "<anonymous>") continue;
      if (isCalltreeFrame(file)) continue;
      if (skipDirs.some((d) => file.startsWith(d))) continue;
      if (HELPER.test(fn.replace(/^Object\./, ""))) continue;
      attributes[ATTR_CODE_FILE_PATH] = cleanPath(file);
      attributes[ATTR_CODE_LINE_NUMBER] = Number(m[3]);
      attributes[ATTR_CODE_COLUMN_NUMBER] = Number(m[4]);
      break;
    }
  } catch {
    // Location is a nicety: an exotic stack format just leaves it out.
  }
  return attributes;
}
