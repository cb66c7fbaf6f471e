import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CalltreeError } from "@calltree/core";
// The build for Workers and edge runtimes (the `workerd`, `edge-light` and `worker` export conditions).
import { register } from "../dist/esm/web.js";

const rejects = (options: Parameters<typeof register>[0], code: string, says: RegExp) =>
  assert.throws(() => register(options), (e: unknown) => e instanceof CalltreeError && e.code === code && says.test(e.message));

describe("register() of the build for Workers and edge runtimes", () => {
  test("what the runtime cannot do is refused at setup, saying what to do instead", () => {
    rejects({ exporter: "file", logLevel: "silent" }, "INVALID_OPTIONS", /"file" exporter writes a file.*use "otlp" with an endpoint, or "console"/);
    rejects({ autoInstrument: true, logLevel: "silent" }, "INVALID_OPTIONS", /leave out `instrumentations` and `autoInstrument`.*llm\.fetch/);
    rejects({ endpoint: "http://127.0.0.1:4318", transport: "node", logLevel: "silent" }, "INVALID_OPTIONS", /transport "node" needs node:http.*use transport "fetch"/);
  });

  test("TLS files named in the environment are refused (nothing can read them)", () => {
    process.env.OTEL_EXPORTER_OTLP_CERTIFICATE = "/etc/ssl/ca.pem";
    try {
      rejects({ endpoint: "http://127.0.0.1:4318", logLevel: "silent" }, "INVALID_ENVIRONMENT", /CERTIFICATE.*cannot read/);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_CERTIFICATE;
    }
  });

  test("asyncLocalStorage must be the class", () => {
    rejects({ asyncLocalStorage: {} as never, logLevel: "silent" }, "INVALID_OPTIONS", /AsyncLocalStorage class: import \{ AsyncLocalStorage \} from "node:async_hooks"/);
  });

  test("a registration records with a BasicTracerProvider (nothing of Node's loaded)", async () => {
    const tracing = register({ exporter: "memory", logLevel: "silent" });
    try {
      assert.equal(tracing.provider.constructor.name, "BasicTracerProvider");
    } finally {
      await tracing.shutdown();
    }
  });
});
