import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { DualMethodDecorator } from "@calltree/core";

// `--before DIR` of main.ts (read here from argv: this module loads before main's body runs): a saved build of
// calltree (DIR/node_modules/@calltree/{core,chain,agent,llm}, each package's own dependencies resolvable from it)
// measured in the same process as the current one, interleaved with it, so a change is judged within one run.
const at = process.argv.indexOf("--before");
const dir = at > 0 && process.argv[at + 1] !== undefined ? resolve(process.argv[at + 1]!) : undefined;

async function esm(pkg: string): Promise<Record<string, DualMethodDecorator>> {
  return (await import(pathToFileURL(`${dir}/node_modules/@calltree/${pkg}/dist/esm/index.js`).href)) as Record<string, DualMethodDecorator>;
}

/** The saved build's decorators, when `--before` was given. */
export const before:
  | { chain: DualMethodDecorator; chainCjs: DualMethodDecorator; agent: DualMethodDecorator; llm: DualMethodDecorator }
  | undefined =
  dir === undefined
    ? undefined
    : {
        chain: (await esm("chain"))["chain"]!,
        chainCjs: (createRequire(`${dir}/node_modules/`)(`${dir}/node_modules/@calltree/chain/dist/cjs/index.js`) as Record<string, DualMethodDecorator>)["chain"]!,
        agent: (await esm("agent"))["agent"]!,
        llm: (await esm("llm"))["llm"]!,
      };
