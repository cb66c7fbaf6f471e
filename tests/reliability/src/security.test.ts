// Security. (1) No secret calltree is given (API key, headers, a password or key in the endpoint URL) or that an
// app passes through a decorated call under a secret-looking name ever reaches a line calltree prints: the start
// line, diagnostics about export faults (also from a server that echoes the request back), the console tree,
// `calltree collect` and `calltree view`, and the CalltreeError messages of bad options and environment values.
// (2) `calltree collect` binds to loopback by default, limits bodies (the cases packages/cli does not cover),
// survives generated malformed protobuf and JSON and a crowd of slow-loris connections, and never runs or
// replays anything it receives (shell, JavaScript and template payloads, terminal escape sequences).
import { describe, test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { chain } from "@calltree/chain";
import { startCollector } from "@calltree/cli";
import type { Collector } from "@calltree/cli";
import { configureCapture, resetCapture } from "@calltree/core";
import { register } from "@calltree/otel";
import type { RegisterOptions } from "@calltree/otel";
import { encodeRequest, startReceiver } from "@calltree-internal/otlp-receiver";
import type { Behaviour } from "@calltree-internal/otlp-receiver";
import { CLI_BIN, cleanEnv, CollectProcess, runNode } from "./support/processes.js";
import { params } from "./support/seed.js";

const SECRET_APP = fileURLToPath(new URL("./fixtures/secret-app.js", import.meta.url));

const SECRETS = {
  apiKey: "sk-apikey-7f3a9c1e",
  header: "hdr-secret-51d2e8",
  password: "pw-secret-9b7c1a",
  query: "qs-secret-4e6f0d",
  argument: "arg-secret-2c8b5f",
};
/** Every form a secret could leak in: as given, and the Basic credentials node builds from user:password@. */
const LEAK_FORMS = [...Object.values(SECRETS), Buffer.from(`user:${SECRETS.password}`).toString("base64")];

function assertNoSecret(text: string, where: string): void {
  for (const secret of LEAK_FORMS) {
    const at = text.indexOf(secret);
    assert.equal(at, -1, `${where} holds the secret ${secret}: …${text.slice(Math.max(0, at - 120), at + 60)}…`);
  }
}

/** Answers that make calltree talk: errors that echo the request (headers included) back, resets, non-HTTP. */
const TALKATIVE: Behaviour[] = [
  { kind: "echo", status: 401 },
  { kind: "echo", status: 500 },
  { kind: "echo", status: 400 },
  { kind: "echo", status: 503 },
  { kind: "reset-before-response" },
  { kind: "garbage-http" },
  { kind: "hang" },
];

describe("no secret in what calltree prints", () => {
  for (const from of ["options", "environment"] as const) {
    test(`secrets given through ${from}: start line, every diagnostic (OTEL_LOG_LEVEL=debug) and fault lines hold none`, async (t: TestContext) => {
      await using receiver = await startReceiver((n) => TALKATIVE[n % TALKATIVE.length]!);
      const endpoint = new URL(receiver.origin);
      endpoint.username = "user";
      endpoint.password = SECRETS.password;
      endpoint.searchParams.set("api_key", SECRETS.query);
      const env = cleanEnv({
        CT_SECRETS: JSON.stringify(SECRETS),
        CT_SECRETS_FROM: from,
        CT_ENDPOINT: receiver.origin,
        OTEL_LOG_LEVEL: "debug",
        ...(from === "environment"
          ? {
              PHOENIX_COLLECTOR_ENDPOINT: endpoint.toString(),
              PHOENIX_API_KEY: SECRETS.apiKey,
              OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${SECRETS.header}`,
              PHOENIX_CLIENT_HEADERS: `x-other-key=${SECRETS.header}`,
            }
          : {}),
      });
      const r = await runNode(SECRET_APP, [], { env });
      t.diagnostic(`${r.stdout.length + r.stderr.length} characters printed, ${receiver.requestCount} requests`);
      assert.equal(r.code, 0, r.stderr);
      // The secrets were in play: the receiver got them.
      const sent = receiver.headers[0]!;
      assert.equal(sent.authorization, `Bearer ${SECRETS.apiKey}`);
      assert.equal(sent["x-api-key"], SECRETS.header);
      // And calltree talked: the start line and the fault diagnostics are there.
      assert.match(r.stderr, /^\[calltree\] traces → http:\/\/user:\*\*\*\*@127\.0\.0\.1:\d+\/v1\/traces\?api_key=\*\*\*\* \(http\/protobuf, project "secrets", headers: /m);
      assert.match(r.stdout + r.stderr, /export to http:\/\/user:\*\*\*\*@127\.0\.0\.1:\d+\/v1\/traces\?api_key=\*\*\*\* failed: HTTP 401 Unauthorized/);
      assert.match(r.stdout + r.stderr, /spans? (?:was|were) dropped/);
      assertNoSecret(r.stdout, "stdout");
      assertNoSecret(r.stderr, "stderr");
    });
  }

  test("the console exporter's trees hold no secret passed in arguments, results or thrown errors", async () => {
    const r = await runNode(SECRET_APP, [], { env: cleanEnv({ CT_SECRETS: JSON.stringify(SECRETS), CT_SECRETS_FROM: "console" }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stderr.match(/^trace [0-9a-f]{32} {2}3 spans {2}/gm) ?? []).length, 30, r.stderr.slice(0, 2_000));
    assert.equal((r.stderr.match(/ERROR: Error: lookup failed$/gm) ?? []).length, 6);
    assertNoSecret(r.stdout, "stdout");
    assertNoSecret(r.stderr, "stderr");
  });

  test("calltree collect and calltree view (trees and --json) print no secret sent by register()", async () => {
    const dir = mkdtempSync(join(tmpdir(), "calltree-secrets-"));
    try {
      const out = join(dir, "traces.jsonl");
      await using collect = await CollectProcess.start(["--out", out, "--no-color"]);
      const endpoint = new URL(collect.origin);
      endpoint.searchParams.set("api_key", SECRETS.query);
      const tracing = register({ endpoint: endpoint.toString(), apiKey: SECRETS.apiKey, headers: { "x-api-key": SECRETS.header }, logLevel: "silent" });
      const login = chain.wrap(function login(user: { name: string; password: string; apiKey: string }) {
        return { ok: user.name === "ada", token: SECRETS.argument };
      });
      for (let i = 0; i < 5; i++) login({ name: "ada", password: SECRETS.argument, apiKey: SECRETS.argument });
      await tracing.shutdown();
      assert.deepEqual(tracing.stats(), { exportedSpans: 5, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 });
      await collect.waitFor(() => (collect.stdout.match(/^trace /gm) ?? []).length === 5, "five trees");
      const finished = await collect.stop();
      assert.equal(finished.code, 0);
      assertNoSecret(finished.stdout, "collect's stdout");
      assertNoSecret(finished.stderr, "collect's stderr");
      const stored = readFileSync(out, "utf8");
      assert.match(stored, /\[REDACTED\]/, "the stored spans hold the redacted arguments");
      assertNoSecret(stored, "the stored file");
      for (const args of [["view", out, "--no-color"], ["view", out, "--json"]]) {
        const viewed = await runNode(CLI_BIN, args);
        assert.equal(viewed.code, 0, viewed.stderr);
        assert.match(viewed.stdout, /login/);
        assertNoSecret(viewed.stdout + viewed.stderr, `calltree ${args.join(" ")}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("no secret in CalltreeError messages", () => {
  const userinfo = `user:${SECRETS.password}@`;
  const cases: Array<{ name: string; options?: RegisterOptions; env?: Record<string, string>; leaks?: string }> = [
    { name: "apiKey of the wrong type", options: { apiKey: 42 as never, headers: { authorization: SECRETS.header } } },
    { name: "a header value of the wrong type next to a secret one", options: { headers: { "x-api-key": SECRETS.header, authorization: 42 as never } } },
    { name: "a misspelled apiKey option", options: { apiKy: SECRETS.apiKey } as never },
    { name: "an invalid exporter next to an apiKey", options: { exporter: "jaeger" as never, apiKey: SECRETS.apiKey } },
    { name: "a secret given as the protocol", options: { protocol: SECRETS.apiKey as never } },
    {
      name: "an endpoint with user:password@ and a non-HTTP scheme",
      options: { endpoint: `ftp://${userinfo}phoenix.example/` },
    },
    {
      name: "an endpoint with user:password@ and an invalid port",
      options: { endpoint: `http://${userinfo}phoenix.example:99999/` },
    },
    {
      name: "PHOENIX_COLLECTOR_ENDPOINT with user:password@ and a non-HTTP scheme",
      env: { PHOENIX_COLLECTOR_ENDPOINT: `ftp://${userinfo}phoenix.example` },
    },
    {
      name: "OTEL_EXPORTER_OTLP_ENDPOINT with user:password@ and an invalid port",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${userinfo}127.0.0.1:99999` },
    },
    {
      name: "OTEL_EXPORTER_OTLP_HEADERS with a bearer token and a malformed pair",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${SECRETS.apiKey},broken` },
    },
    {
      name: "PHOENIX_CLIENT_HEADERS with a key in bad percent-encoding",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", PHOENIX_CLIENT_HEADERS: `api_key=${SECRETS.header}%zz` },
    },
  ];
  for (const c of cases) {
    test(c.name, c.leaks ? { todo: c.leaks } : {}, () => {
      const saved: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(c.env ?? {})) {
        saved[k] = process.env[k];
        process.env[k] = v;
      }
      try {
        assert.throws(() => register({ logLevel: "silent", ...c.options }), (error: unknown) => {
          assert.equal((error as Error).name, "CalltreeError");
          assert.match((error as { code: string }).code, /^INVALID_(OPTIONS|ENVIRONMENT)$/);
          assertNoSecret(String((error as Error).stack), "the error");
          return true;
        });
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    });
  }

  test("configureCapture() with wrong options", () => {
    try {
      assert.throws(() => configureCapture({ redactKeys: SECRETS.apiKey as never }), (error: unknown) => {
        assert.equal((error as Error).name, "CalltreeError");
        assertNoSecret(String((error as Error).stack), "the error");
        return true;
      });
    } finally {
      resetCapture();
    }
  });
});

// ---- calltree collect ----------------------------------------------------------------------------------------

const TRACE_ID = "5b8efff798038103d269b633813fc60c";

function jsonRequest(spans: Array<Record<string, unknown>>): string {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "t" }, spans }] }] });
}

async function post(url: string, body: Uint8Array | string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
}

/** The listening sockets on `port` in /proc/net/tcp and tcp6, as "address:port" in the kernel's hex notation. */
function listeners(port: number): { v4: string[]; v6: string[] } {
  const read = (file: string) => {
    if (!existsSync(file)) return [];
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    return readFileSync(file, "utf8").split("\n").slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A")
      .map((f) => f[1]!);
  };
  return { v4: read("/proc/net/tcp"), v6: read("/proc/net/tcp6") };
}

describe("calltree collect is safe to leave running", () => {
  test("binds to 127.0.0.1 only by default (the kernel's table of listening sockets)", { skip: !existsSync("/proc/net/tcp") && "no /proc/net/tcp" }, async () => {
    await using collect = await CollectProcess.start(["--no-out"]);
    assert.match(collect.tracesUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
    assert.deepEqual(listeners(collect.port), { v4: [`0100007F:${collect.port.toString(16).toUpperCase().padStart(4, "0")}`], v6: [] });
  });

  test("limits bodies the cli tests do not try: a deflate bomb, and the default 32 MiB limit with and without Content-Length", async () => {
    await using collect = await CollectProcess.start(["--no-out"]);
    const json = { "content-type": "application/json" };
    // 40 MiB of spaces, deflated to about 40 KiB.
    const bomb = deflateSync(Buffer.alloc(40 * 1024 * 1024, 0x20));
    let r = await post(collect.tracesUrl, bomb, { ...json, "content-encoding": "deflate" });
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.text).message, "body larger than 33554432 bytes once decompressed");
    r = await post(collect.tracesUrl, Buffer.alloc(33 * 1024 * 1024, 0x20), json);
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.text).message, "body of 34603008 bytes is larger than 33554432 bytes");
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 200 * 1024 * 1024) return controller.close();
        sent += 256 * 1024;
        controller.enqueue(new Uint8Array(256 * 1024).fill(0x20));
      },
    });
    const res = await fetch(collect.tracesUrl, { method: "POST", headers: json, body: stream, duplex: "half" } as RequestInit).catch(() => undefined);
    if (res) assert.equal(res.status, 413);
    assert.ok(sent < 80 * 1024 * 1024, `stopped reading early (the client had sent ${sent} bytes)`);
    assert.ok(collect.alive);
    r = await post(collect.tracesUrl, "{}", json);
    assert.equal(r.status, 200);
  });
});

describe("startCollector under hostile input", () => {
  const validProto = encodeRequest({
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "fuzz" } }] },
      scopeSpans: [{
        scope: { name: "fuzz" },
        spans: [
          { traceId: Buffer.from(TRACE_ID, "hex"), spanId: Buffer.from("00000000000000a1", "hex"), name: "root", startTimeUnixNano: 1_000, endTimeUnixNano: 9_000, attributes: [{ key: SC.INPUT_VALUE, value: { stringValue: "hello" } }] },
          { traceId: Buffer.from(TRACE_ID, "hex"), spanId: Buffer.from("00000000000000a2", "hex"), parentSpanId: Buffer.from("00000000000000a1", "hex"), name: "child", startTimeUnixNano: 2_000, endTimeUnixNano: 3_000 },
        ],
      }],
    }],
  });

  const POLLUTERS = [
    `{"__proto__":{"polluted":1},"resourceSpans":[{"__proto__":{"polluted":1},"scopeSpans":[{"constructor":{"prototype":{"polluted":1}},` +
      `"spans":[{"traceId":"${TRACE_ID}","spanId":"00000000000000c1","name":"p","__proto__":{"polluted":1},` +
      `"attributes":[{"key":"__proto__","value":{"stringValue":"x"}},{"key":"constructor","value":{"kvlistValue":{"values":[{"key":"prototype","value":{"stringValue":"y"}}]}}}]}]}]}]}`,
    `{"resourceSpans":[{"resource":{"attributes":[{"key":"__proto__","value":{"kvlistValue":{"values":[{"key":"polluted","value":{"intValue":"1"}}]}}}]},` +
      `"scopeSpans":[{"scope":{"name":"__proto__"},"spans":[{"traceId":"${TRACE_ID}","spanId":"00000000000000c2","name":"__proto__"}]}]}]}`,
  ];

  /** A body, its content type and encoding. */
  type Hostile = { body: Uint8Array; type: string; encoding?: string };
  const proto = "application/x-protobuf";
  const json = "application/json";
  const hostileArb: fc.Arbitrary<Hostile> = fc.oneof(
    fc.uint8Array({ maxLength: 2_000 }).map((body) => ({ body, type: proto })),
    fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat()).map(([flips, cut]) => {
      const body = Buffer.from(validProto);
      for (const [at, value] of flips) body[at % body.length] = value;
      return { body: body.subarray(0, 1 + (cut % body.length)), type: proto };
    }),
    fc.jsonValue().map((v) => ({ body: Buffer.from(JSON.stringify(v) ?? "null"), type: json })),
    fc.record({
      resourceSpans: fc.oneof(fc.anything(), fc.array(fc.record({
        resource: fc.anything(),
        scopeSpans: fc.oneof(fc.anything(), fc.array(fc.record({
          scope: fc.anything(),
          spans: fc.oneof(fc.anything(), fc.array(fc.record({
            traceId: fc.oneof(fc.constant(TRACE_ID), fc.anything()),
            spanId: fc.oneof(fc.constant("00000000000000b1"), fc.anything()),
            parentSpanId: fc.anything(),
            name: fc.anything(),
            startTimeUnixNano: fc.anything(),
            endTimeUnixNano: fc.anything(),
            attributes: fc.anything(),
            events: fc.anything(),
            status: fc.anything(),
          }, { requiredKeys: [] }), { maxLength: 3 })),
        }, { requiredKeys: [] }), { maxLength: 2 })),
      }, { requiredKeys: [] }), { maxLength: 2 })),
    }, { requiredKeys: [] }).map((v) => ({ body: Buffer.from(JSON.stringify(v) ?? "null"), type: json })),
    fc.uint8Array({ maxLength: 500 }).map((bytes) => ({ body: gzipSync(bytes).subarray(0, 5 + (bytes.length % 30)), type: json, encoding: "gzip" })),
    fc.constantFrom(...POLLUTERS).map((text) => ({ body: Buffer.from(text), type: json })),
    fc.nat({ max: 50_000 }).map((depth) => ({ body: Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`), type: json })),
    fc.nat({ max: 50_000 }).map((depth) => ({ body: Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}]}]}]}`), type: json })),
  );

  test("generated malformed protobuf and JSON bodies: each answered 200 or 400, never 500; then it still serves", async (t: TestContext) => {
    const errors: Error[] = [];
    const collector: Collector = await startCollector({ port: 0, quietMs: 50, onError: (e) => errors.push(e) });
    const printed: string[] = [];
    collector.onTrace((trace) => printed.push(trace.traceId));
    const statuses = new Map<number, number>();
    try {
      const p = params<[Hostile]>(300);
      t.diagnostic(`${p.numRuns} generated bodies`);
      await fc.assert(
        fc.asyncProperty(hostileArb, async (h) => {
          const headers: Record<string, string> = { "content-type": h.type };
          if (h.encoding) headers["content-encoding"] = h.encoding;
          const r = await post(collector.tracesUrl, h.body, headers);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          assert.ok(r.status === 200 || r.status === 400, `answered ${r.status}: ${r.text.slice(0, 200)}`);
        }),
        p,
      );
      t.diagnostic(`answers: ${[...statuses].map(([s, n]) => `${n}× ${s}`).join(", ")}`);
      assert.deepEqual(errors.map((e) => e.message), []);
      assert.equal(Object.getOwnPropertyNames(Object.prototype).sort().join(","), Object.getOwnPropertyNames(Object.getPrototypeOf({})).sort().join(","));
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      const r = await post(collector.tracesUrl, validProto, { "content-type": proto });
      assert.equal(r.status, 200);
      collector.flush();
      assert.ok(printed.includes(TRACE_ID), "the valid request's trace is handed out");
    } finally {
      await collector.close();
    }
  });

  test("200 slow-loris connections (headers, and bodies, a byte at a time) are cut off, while real clients are served at once", async (t: TestContext) => {
    const collector = await startCollector({ port: 0, headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    const sockets: Socket[] = [];
    const closed: number[] = [];
    const started = Date.now();
    const timers: Array<ReturnType<typeof setInterval>> = [];
    let allClosed!: () => void;
    const everyOneClosed = new Promise<void>((resolve) => (allClosed = resolve));
    try {
      for (let i = 0; i < 200; i++) {
        const socket = connect(collector.port, "127.0.0.1");
        socket.on("error", () => {});
        socket.on("close", () => {
          closed.push(Date.now() - started);
          if (closed.length === 200) allClosed();
        });
        const text = i % 2 === 0
          ? "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
          : "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"resourceSpans\":[                        ";
        let at = 0;
        timers.push(setInterval(() => {
          if (!socket.destroyed && at < text.length) socket.write(text[at++]!);
        }, 100));
        sockets.push(socket);
      }
      const served: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = Date.now();
        const r = await post(collector.tracesUrl, jsonRequest([{ traceId: TRACE_ID, spanId: `00000000000001${String(i).padStart(2, "0")}`, name: `real ${i}` }]), { "content-type": json });
        assert.equal(r.status, 200);
        served.push(Date.now() - t0);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The slow clients never finish their requests: only the collector's
      // timeouts can close all 200.
      await everyOneClosed;
      t.diagnostic(`real requests answered in ${Math.max(...served)} ms at most; slow connections cut after ${Math.min(...closed)}–${Math.max(...closed)} ms`);
      assert.equal(closed.length, 200, "every slow connection was cut off");
      assert.deepEqual(collector.stats, { requests: 20, acceptedSpans: 20, rejectedSpans: 0 });
    } finally {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await collector.close();
    }
  });
});

describe("calltree collect never runs or replays what it receives", () => {
  /** Characters a terminal acts on: C0 controls but newline, DEL, C1 controls, line/paragraph separators, bidi overrides. */
  const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  const SGR = /\u001b\[[0-9;]*m/g;

  test("shell, JavaScript and template payloads and terminal escapes in names and attributes: printed inert, stored as data", async (t: TestContext) => {
    const dir = mkdtempSync(join(tmpdir(), "calltree-inert-"));
    try {
      const marker = join(dir, "MARKER");
      const payloads = [
        `$(touch ${marker})`, `\`touch ${marker}\``, `; touch ${marker} #`, `| touch ${marker}`,
        `require('child_process').execSync('touch ${marker}')`, `\${require('fs').writeFileSync('${marker}','x')}`,
        "{{constructor.constructor('return process')().exit(9)}}", "__proto__", "constructor",
        "\u001b]0;pwned title\u0007", "\u001b[2J\u001b[H cleared", "\u001b]52;c;cHduZWQ=\u0007 clipboard", "\u009b31m C1 CSI",
        "\u202eright-to-left override", "javascript:alert(1)", "<script>alert(1)</script>", "%s%n%x%d", "nul \u0000 byte",
        "line\r\nbreak", "\u001b[31mred\u001b[0m",
      ];
      const generated = fc.sample(fc.string({ unit: "binary", maxLength: 30 }), { seed: params(1).seed!, numRuns: 100 });
      const names = [...payloads, ...generated];
      const out = join(dir, "traces.jsonl");
      await using collect = await CollectProcess.start(["--out", out, "--no-color", "--max-children", "0", "--max-lines", "0"], dir);
      const spans = names.map((name, i) => ({
        traceId: TRACE_ID,
        spanId: (0x100 + i).toString(16).padStart(16, "0"),
        ...(i === 0 ? {} : { parentSpanId: (0x100).toString(16).padStart(16, "0") }),
        name,
        startTimeUnixNano: String(1_000 + i),
        endTimeUnixNano: String(2_000 + i),
        attributes: [
          // Prefixed, so this test is about the payloads; kinds named like Object.prototype keys have their own test below.
          { key: SC.OPENINFERENCE_SPAN_KIND, value: { stringValue: `K${name}` } },
          { key: SC.LLM_MODEL_NAME, value: { stringValue: name } },
          { key: SC.INPUT_VALUE, value: { stringValue: name } },
        ],
        status: { code: 2, message: name },
      }));
      const r = await post(collect.tracesUrl, jsonRequest(spans), { "content-type": "application/json" });
      assert.equal(r.status, 200, r.text);
      await collect.waitFor(() => /^trace /m.test(collect.stdout), "the tree");
      const finished = await collect.stop();
      assert.equal(finished.code, 0);
      assert.equal(existsSync(marker), false, "nothing ran");
      const printedLines = finished.stdout.split("\n").filter((l) => !l.startsWith("trace "));
      t.diagnostic(`${names.length} hostile names; ${printedLines.length} lines printed`);
      assert.ok(printedLines.length >= names.length, "every span printed");
      const active = finished.stdout.match(ACTIVE);
      assert.equal(active, null, `collect printed ${JSON.stringify(active?.[0])}`);

      // Stored as data: every name comes back exactly from the file.
      const stored = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }> });
      const storedNames = stored.flatMap((req) => req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))));
      assert.deepEqual(storedNames, names);

      for (const args of [["view", out, "--no-color", "--max-children", "0", "--max-lines", "0"], ["view", out, "--color", "--max-children", "0", "--max-lines", "0"]]) {
        const viewed = await runNode(CLI_BIN, args, { cwd: dir });
        assert.equal(viewed.code, 0, viewed.stderr);
        const text = viewed.stdout.replace(SGR, "");
        const found = text.match(ACTIVE);
        assert.equal(found, null, `calltree ${args.join(" ")} printed ${JSON.stringify(found?.[0])}`);
      }
      assert.equal(existsSync(marker), false, "nothing ran");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    "spans whose kind is an Object.prototype key (constructor, toString, __proto__) are printed like any other",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "calltree-kinds-"));
      try {
        const out = join(dir, "traces.jsonl");
        await using collect = await CollectProcess.start(["--out", out, "--no-color"], dir);
        const kinds = ["constructor", "toString", "__proto__", "hasOwnProperty"];
        const r = await post(collect.tracesUrl, jsonRequest(kinds.map((kind, i) => ({
          traceId: TRACE_ID.replace(/.$/, String(i)),
          spanId: (0x200 + i).toString(16).padStart(16, "0"),
          name: `span of kind ${kind}`,
          attributes: [{ key: SC.OPENINFERENCE_SPAN_KIND, value: { stringValue: kind } }],
        }))), { "content-type": "application/json" });
        assert.equal(r.status, 200);
        const finished = await collect.stop();
        assert.equal(finished.stderr.split("\n").filter((l) => l !== "" && !l.includes("listening on")).join("\n"), "", "no error");
        for (const kind of kinds) assert.match(finished.stdout, new RegExp(`^${kind} span of kind ${kind}  `, "m"));
        const viewed = await runNode(CLI_BIN, ["view", out, "--no-color"]);
        assert.equal(viewed.code, 0, viewed.stderr);
        for (const kind of kinds) assert.match(viewed.stdout, new RegExp(`^${kind} span of kind ${kind}  `, "m"));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
