import { readFileSync } from "node:fs";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { isInstalled } from "./app-modules.js";
import { installExitHooks, reportLossAtExit } from "./exit-hooks.js";
import { JsonLinesFileExporter } from "./file-exporter.js";
import { autoInstrument, enableInstrumentation, manuallyInstrument } from "./instrumentations.js";
import { fetchTransport } from "./otlp-fetch.js";
import { nodeHttpTransport } from "./otlp-node.js";
import type { Platform } from "./platform.js";

/** Node (and Bun, Deno): everything register() can do. */
export const nodePlatform: Platform = {
  name: "this runtime",
  env: () => process.env,
  readFile: (path) => readFileSync(path),
  transports: { node: nodeHttpTransport, fetch: fetchTransport },
  createProvider: (config) => new NodeTracerProvider(config),
  contextManager: () => new AsyncLocalStorageContextManager(),
  write: (text) => {
    process.stderr.write(text);
  },
  colorDefault: () => {
    if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
    if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
    return process.stderr.isTTY === true;
  },
  llmInstalled: () => isInstalled("@calltree/llm"),
  fileExporter: (path) => new JsonLinesFileExporter(path),
  exitHooks: { install: installExitHooks, reportLossAtExit },
  instrumentations: { enable: enableInstrumentation, auto: autoInstrument, manually: manuallyInstrument },
};
