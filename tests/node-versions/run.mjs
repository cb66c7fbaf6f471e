// The call-shape suite (context propagation, promises, generators, streams) under Node 22 and 24, because most
// users of a library released now run those. Node 20 runs it in its own package.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const suite = join(here, "../call-shapes");
let failed = false;
for (const name of ["node22", "node24"]) {
  const bin = join(dirname(require.resolve(`${name}/package.json`)), "bin/node");
  if (!existsSync(bin)) {
    console.error(`${name}: binary missing at ${bin}`);
    process.exit(1);
  }
  const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
  console.log(`# call-shape suite under ${version}`);
  const r = spawnSync(process.execPath, [join(here, "../../scripts/run-tests.mjs")], {
    cwd: suite,
    stdio: "inherit",
    env: { ...process.env, CALLTREE_NODE: bin },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
