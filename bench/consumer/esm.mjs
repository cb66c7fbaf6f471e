// The consumer's measurement with every module loaded through import: calltree's ESM build.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as api from "@opentelemetry/api";
import * as sdk from "@opentelemetry/sdk-trace-base";
import * as asyncHooks from "@opentelemetry/context-async-hooks";
import * as sem from "@opentelemetry/semantic-conventions";
import { MimeType, SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { chain } from "@calltree/chain";
import { useTracerProvider } from "@calltree/core/sdk";

const { measure } = createRequire(import.meta.url)("./measure.cjs");
const loadBefore = async (dir) => (await import(pathToFileURL(resolve(dir, "node_modules/@calltree/chain/dist/esm/index.js")).href)).chain;
const r = await measure({ api, sdk, asyncHooks, SC: SemanticConventions, MimeType, sem, chain, useTracerProvider, loadBefore });
process.stdout.write(`${JSON.stringify(r)}\n`);
