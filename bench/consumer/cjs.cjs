"use strict";
// The consumer's measurement with every module loaded through require(): calltree's CommonJS build.
const { measure } = require("./measure.cjs");
const { chain } = require("@calltree/chain");
const { useTracerProvider } = require("@calltree/core/sdk");
const { MimeType, SemanticConventions } = require("@arizeai/openinference-semantic-conventions");

measure({
  api: require("@opentelemetry/api"),
  sdk: require("@opentelemetry/sdk-trace-base"),
  asyncHooks: require("@opentelemetry/context-async-hooks"),
  SC: SemanticConventions,
  MimeType,
  sem: require("@opentelemetry/semantic-conventions"),
  chain,
  useTracerProvider,
  loadBefore: async (dir) => require(require("node:path").resolve(dir, "node_modules/@calltree/chain/dist/cjs/index.js")).chain,
}).then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
