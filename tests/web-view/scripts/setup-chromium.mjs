#!/usr/bin/env node
// Makes sure Debian's Chromium is at /usr/bin/chromium before the browser tests run: installs it with apt
// when it is missing (CI machines are fresh; the tests run as root there). playwright-core never downloads
// a browser, and nothing here fetches one from anywhere but the Debian archive.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const CHROMIUM = process.env.CALLTREE_CHROMIUM || "/usr/bin/chromium";

function fail(step, detail) {
  console.error(`web-view test setup failed at step "${step}": ${detail}
The browser tests need Debian's chromium at ${CHROMIUM}. Install it yourself with
  apt-get update && apt-get install -y chromium
(as root), or point CALLTREE_CHROMIUM at a Chromium binary, then run the tests again.`);
  process.exit(1);
}

function run(step, command, args) {
  const r = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.error) fail(step, r.error.message);
  if (r.status !== 0) fail(step, `\`${command} ${args.join(" ")}\` exited with ${r.status ?? r.signal}`);
}

if (!existsSync(CHROMIUM)) {
  if (process.platform !== "linux") fail("check platform", `${CHROMIUM} is missing and automatic installation needs Debian or Ubuntu (this is ${process.platform})`);
  if (typeof process.getuid === "function" && process.getuid() !== 0) fail("check root", `${CHROMIUM} is missing and installing it with apt-get needs root`);
  const apt = spawnSync("apt-get", ["--version"], { stdio: "ignore" });
  if (apt.error || apt.status !== 0) fail("find apt-get", "apt-get is not available on this machine");
  console.error(`${CHROMIUM} is missing: installing Debian's chromium (apt-get update && apt-get install -y chromium)…`);
  run("apt-get update", "apt-get", ["update"]);
  run("apt-get install -y chromium", "apt-get", ["install", "-y", "--no-install-recommends", "chromium"]);
  if (!existsSync(CHROMIUM)) fail("apt-get install -y chromium", `the package installed but ${CHROMIUM} is still missing`);
}
const version = spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" });
if (version.status !== 0) fail("run chromium --version", (version.stderr || version.error?.message || "no output").trim());
console.error(`web-view tests use ${version.stdout.trim()} (${CHROMIUM})`);
