import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, deflateSync } from "node:zlib";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { ExportTraceServiceRequest as Request } from "../dist/esm/internal/otlp-proto.js";
import { agentTrace, CollectProcess, runBin, Sdk, tempDir, withoutDurations } from "./helpers.js";

const TRACE = "5b8efff798038103d269b633813fc60c";

function jsonRequest(spans: Array<Record<string, unknown>>): string {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "t" }, spans }] }] });
}

function expectedTree(traceId: string): string {
  return [
    `trace ${traceId}  3 spans  <d>  1,234 tok (1,000 in, 234 out)  $0.000123  1 error`,
    "AGENT Assistant.run  <d>",
    "├─ LLM Assistant.ask  <d>  gpt-4o-mini  1,234 tok (1,000 in, 234 out)  $0.000123",
    "└─ TOOL Assistant.weather  <d>  ERROR: city not found",
  ].join("\n");
}

/** The printed trees, one string per trace, in print order. */
function blocks(stdout: string): string[] {
  return stdout.split(/\n(?=trace [0-9a-f]{32})/).map((b) => b.trim()).filter((b) => b !== "");
}

async function post(url: string, body: Uint8Array | string, headers: Record<string, string>, method = "POST") {
  const res = await fetch(url, { method, headers, body: method === "GET" ? undefined : body });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe("calltree collect", () => {
  test("prints each trace sent over protobuf and JSON as a tree and stores the requests as OTLP/JSON lines", async () => {
    using dir = tempDir();
    const out = join(dir.path, "traces.jsonl");
    await using collect = await CollectProcess.start(["--out", out, "--no-color"]);
    assert.match(collect.stderr, new RegExp(`^calltree collect: listening on http://127\\.0\\.0\\.1:\\d+/v1/traces \\(OTLP/HTTP, protobuf or JSON\\); appending to ${out}\\n$`));

    let protoTrace: string;
    let jsonTrace: string;
    {
      await using proto = new Sdk({ url: collect.url, protocol: "protobuf" });
      await using json = new Sdk({ url: collect.url, protocol: "json" });
      protoTrace = agentTrace(proto);
      jsonTrace = agentTrace(json);
    }
    await collect.waitFor(() => collect.tracesPrinted === 2, "two traces");
    const printed = blocks(collect.stdout);
    assert.deepEqual(printed.map(withoutDurations).sort(), [expectedTree(protoTrace), expectedTree(jsonTrace)].sort());
    assert.doesNotMatch(collect.stdout, /sk-secret/);

    const finished = await collect.stop("SIGINT");
    assert.equal(finished.code, 0);

    const lines = readFileSync(out, "utf8").split("\n");
    assert.equal(lines.pop(), "");
    assert.equal(lines.length, 6, "one line per request (the simple processor sends one span each)");
    const spans = lines.flatMap((line) => {
      const request = JSON.parse(line) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, string>> }> }> };
      assert.deepEqual(Object.keys(request), ["resourceSpans"]);
      return request.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    });
    for (const span of spans) {
      assert.match(span.traceId ?? "", /^[0-9a-f]{32}$/);
      assert.match(span.spanId ?? "", /^[0-9a-f]{16}$/);
      assert.equal(typeof span.startTimeUnixNano, "string");
    }
    assert.deepEqual(new Set(spans.map((s) => s.traceId)), new Set([protoTrace, jsonTrace]));

    // `view` over the stored file draws the very same trees.
    const viewed = await runBin(["view", out]);
    assert.equal(viewed.code, 0, viewed.stderr);
    assert.deepEqual(blocks(viewed.stdout).sort(), printed.sort());
  });

  test("answers like an OTLP collector and survives malformed bodies", async () => {
    await using collect = await CollectProcess.start(["--no-out", "--no-color"]);
    const json = { "content-type": "application/json" };
    const proto = { "content-type": "application/x-protobuf" };

    // Valid, empty: 200 with an empty response in the request's encoding.
    let r = await post(collect.url, "{}", json);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.equal(r.body.toString(), "{}");
    r = await post(collect.url, new Uint8Array(0), proto);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "application/x-protobuf");
    assert.equal(r.body.length, 0);

    // Some spans rejected: partialSuccess, the rest kept.
    const good = { traceId: TRACE, spanId: "eee19b7ec3c1b174", name: "kept", startTimeUnixNano: "1", endTimeUnixNano: "2" };
    r = await post(collect.url, jsonRequest([good, { traceId: "abc", spanId: "eee19b7ec3c1b175", name: "bad id" }]), json);
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body.toString()), {
      partialSuccess: { rejectedSpans: "1", errorMessage: "1 span(s) rejected: a span has no valid traceId (16 bytes, hex)" },
    });
    const protoBody = Request.encode({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.from(TRACE, "hex"), spanId: Buffer.alloc(8), name: "zero span id" }] }] }],
    }).finish();
    r = await post(collect.url, protoBody, proto);
    assert.equal(r.status, 200);
    // Read back by the official exporter's own response decoder.
    const decoded = ProtobufTraceSerializer.deserializeResponse(r.body);
    assert.equal(String(decoded.partialSuccess?.rejectedSpans), "1");
    assert.equal(decoded.partialSuccess?.errorMessage, "1 span(s) rejected: a span has no valid spanId (8 bytes, hex)");

    // Malformed bodies: 400 with a google.rpc.Status in the request's encoding.
    r = await post(collect.url, "{not json", json);
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body.toString()).code, 3);
    assert.match(JSON.parse(r.body.toString()).message, /^invalid JSON/);
    r = await post(collect.url, JSON.stringify({ resourceSpans: "nope" }), json);
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body.toString()).message, "request.resourceSpans must be an array");
    r = await post(collect.url, "[]", json);
    assert.equal(r.status, 400);
    r = await post(collect.url, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), proto);
    assert.equal(r.status, 400);
    assert.equal(r.body[0], 0x08, "Status.code field");
    assert.equal(r.body[1], 3, "INVALID_ARGUMENT");
    r = await post(collect.url, gzipSync("{}").subarray(0, 10), { ...json, "content-encoding": "gzip" });
    assert.equal(r.status, 400);

    // Wrong type, method, path.
    r = await post(collect.url, "x", { "content-type": "text/plain" });
    assert.equal(r.status, 415);
    r = await post(collect.url, "{}", { ...json, "content-encoding": "br" });
    assert.equal(r.status, 415);
    r = await post(collect.url, "", {}, "GET");
    assert.equal(r.status, 405);
    assert.equal(r.headers.get("allow"), "POST");
    r = await post(collect.url.replace("/v1/traces", "/v1/metrics"), "{}", json);
    assert.equal(r.status, 404);
    r = await post(collect.url.replace("/v1/traces", "/"), "", {}, "GET");
    assert.equal(r.status, 404);

    assert.ok(collect.alive);
    // A trace of its own: a span of the first trace arriving after that trace was printed would be printed as a
    // late part of it, and when that happens depends on how busy the machine is.
    r = await post(collect.url, jsonRequest([{ ...good, traceId: "6c9f0000798038103d269b633813fc60", spanId: "eee19b7ec3c1b176", name: "after the junk" }]), json);
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), "{}");
    const finished = await collect.stop("SIGTERM");
    assert.equal(finished.code, 0);
    assert.deepEqual(
      (finished.stdout.match(/^\S.*$/gm) ?? []).filter((l) => !l.startsWith("trace")).map(withoutDurations).sort(),
      ["after the junk  <d>", "kept  <d>"],
    );
  });

  test("accepts gzip and deflate bodies, from a gzip exporter too", async () => {
    await using collect = await CollectProcess.start(["--no-out", "--no-color"]);
    const json = { "content-type": "application/json" };
    const span = (id: string, name: string) => ({ traceId: TRACE, spanId: id, name, startTimeUnixNano: "1000", endTimeUnixNano: "2000" });
    let r = await post(collect.url, gzipSync(jsonRequest([span("0000000000000001", "gzipped")])), { ...json, "content-encoding": "gzip" });
    assert.equal(r.status, 200);
    r = await post(collect.url, deflateSync(jsonRequest([span("0000000000000002", "deflated")])), { ...json, "content-encoding": "deflate" });
    assert.equal(r.status, 200);
    const protoBody = Request.encode({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.from(TRACE, "hex"), spanId: Buffer.from("0000000000000003", "hex"), name: "gzipped proto" }] }] }],
    }).finish();
    r = await post(collect.url, gzipSync(protoBody), { "content-type": "application/x-protobuf", "content-encoding": "gzip" });
    assert.equal(r.status, 200);

    let traceId: string;
    {
      await using sdk = new Sdk({ url: collect.url, protocol: "protobuf", gzip: true });
      traceId = agentTrace(sdk);
    }
    await collect.waitFor(() => collect.stdout.includes(traceId), "the gzip exporter's trace");
    const finished = await collect.stop();
    assert.equal(finished.code, 0);
    assert.deepEqual(blocks(finished.stdout).map(withoutDurations).sort(), [
      expectedTree(traceId),
      // The proto span has no times (0), the others start at 1000 ns in arrival order.
      [`trace ${TRACE}  3 spans  <d>`, "gzipped proto  <d>", "gzipped  <d>", "deflated  <d>"].join("\n"),
    ].sort());
  });

  test("answers 413 to bodies over the limit without reading them, compressed or not, and keeps serving", async () => {
    await using collect = await CollectProcess.start(["--no-out", "--max-body-mb", "1"]);
    const json = { "content-type": "application/json" };
    const big = Buffer.alloc(3 * 1024 * 1024, 0x20);
    let r = await post(collect.url, big, json);
    assert.equal(r.status, 413);
    assert.match(JSON.parse(r.body.toString()).message, /^body of 3145728 bytes is larger than 1048576 bytes$/);

    // Without a Content-Length (streamed): cut off once past the limit.
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 50 * 1024 * 1024) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    // The answer comes while the client is still sending; past the linger bound the connection is cut,
    // which a client may see first.
    const res = await fetch(collect.url, { method: "POST", headers: json, body: stream, duplex: "half" } as RequestInit).catch(() => undefined);
    if (res) {
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { message: string }).message, "body larger than 1048576 bytes");
    }
    assert.ok(sent < 20 * 1024 * 1024, `stopped reading early (client had sent ${sent} bytes)`);

    // A gzip bomb: 3 MiB of spaces squeezed into a few KiB.
    r = await post(collect.url, gzipSync(big), { ...json, "content-encoding": "gzip" });
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.body.toString()).message, "body larger than 1048576 bytes once decompressed");

    assert.ok(collect.alive);
    r = await post(collect.url, "{}", json);
    assert.equal(r.status, 200);
  });

  test("loses nothing from 20 concurrent clients sending 500 spans each, and keeps every trace intact", async () => {
    using dir = tempDir();
    const out = join(dir.path, "traces.jsonl");
    await using collect = await CollectProcess.start(["--out", out, "--no-color", "--max-children", "0", "--max-lines", "0"]);
    const clients = Array.from({ length: 20 }, (_, i) => new Sdk({ url: collect.url, protocol: i % 2 === 0 ? "protobuf" : "json", batch: true, service: `client-${i}` }));
    const traceIds = await Promise.all(
      clients.map(async (sdk, i) => {
        // 1 root, 19 steps, 480 leaves = 500 spans, ended bottom-up like real calls.
        const root = sdk.start(`client ${i}`);
        for (let s = 0; s < 19; s++) {
          const step = sdk.start(`step ${s}`, root);
          for (let l = 0; l < (s < 5 ? 26 : 25); l++) sdk.start(`leaf ${s}.${l}`, step).end();
          step.end();
          await new Promise((r) => setImmediate(r));
        }
        root.end();
        return root.spanContext().traceId;
      }),
    );
    await Promise.all(clients.map((sdk) => sdk.provider.forceFlush()));
    for (const sdk of clients) assert.equal(sdk.memory.getFinishedSpans().length, 500);
    await Promise.all(clients.map((sdk) => sdk[Symbol.asyncDispose]()));

    await collect.waitFor(() => collect.tracesPrinted >= 20, "20 traces", 120_000);
    const finished = await collect.stop();
    assert.equal(finished.code, 0);
    const printed = blocks(finished.stdout);
    assert.equal(printed.length, 20, "each trace printed once, in one piece");
    for (const block of printed) {
      const lines = block.split("\n");
      assert.match(lines[0] ?? "", /^trace [0-9a-f]{32} {2}500 spans {2}\S+$/);
      assert.equal(lines.length, 501);
      assert.doesNotMatch(block, /orphan|root span not received|more spans/);
    }
    assert.deepEqual(printed.map((b) => b.slice(6, 38)).sort(), [...traceIds].sort());

    const stored = new Map<string, Set<string>>();
    for (const line of readFileSync(out, "utf8").trim().split("\n")) {
      const request = JSON.parse(line) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string; spanId: string }> }> }> };
      for (const span of request.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))) {
        const ids = stored.get(span.traceId) ?? new Set();
        ids.add(span.spanId);
        stored.set(span.traceId, ids);
      }
    }
    assert.equal(stored.size, 20);
    for (const ids of stored.values()) assert.equal(ids.size, 500);
  });

  test("on SIGINT prints the traces still pending (root never arrived) and exits 0", async () => {
    await using collect = await CollectProcess.start(["--no-out", "--no-color", "--quiet-ms", "60000"]);
    const r = await post(
      collect.url,
      jsonRequest([
        { traceId: TRACE, spanId: "0000000000000002", parentSpanId: "0000000000000001", name: "child of a root still running", startTimeUnixNano: "1000000", endTimeUnixNano: "3000000" },
      ]),
      { "content-type": "application/json" },
    );
    assert.equal(r.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(collect.stdout, "", "not printed before the quiet period");
    const finished = await collect.stop("SIGINT");
    assert.equal(finished.code, 0);
    assert.equal(
      finished.stdout,
      [
        `trace ${TRACE}  1 span  2.0ms  (root span not received)`,
        "child of a root still running  2.0ms  (orphan: parent 0000000000000001 missing)",
        "",
      ].join("\n"),
    );
  });

  test("prints a rootless trace after the quiet period", async () => {
    await using collect = await CollectProcess.start(["--no-out", "--no-color", "--quiet-ms", "300"]);
    await post(collect.url, jsonRequest([{ traceId: TRACE, spanId: "0000000000000002", parentSpanId: "0000000000000001", name: "lonely", startTimeUnixNano: "0", endTimeUnixNano: "1000" }]), {
      "content-type": "application/json",
    });
    await collect.waitFor(() => collect.tracesPrinted === 1, "the quiet period", 5000);
    assert.match(collect.stdout, /^trace 5b8efff798038103d269b633813fc60c {2}1 span {2}1µs {2}\(root span not received\)\n/);
  });

  test("exits 1 when it cannot listen or cannot open the out file, 2 on usage errors", async () => {
    await using first = await CollectProcess.start(["--no-out"]);
    const port = new URL(first.url).port;
    let r = await runBin(["collect", "--port", port, "--no-out"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `calltree collect: port ${port} on 127.0.0.1 is in use: pick another with --port\n`);

    using dir = tempDir();
    r = await runBin(["collect", "--port", "0", "--out", dir.path]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^calltree collect: cannot open .* for appending: EISDIR/);

    for (const args of [["--port", "http"], ["--port", "70000"], ["--bogus"], ["extra"], ["--out", "x", "--no-out"], ["--max-body-mb", "0"]]) {
      r = await runBin(["collect", ...args]);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, /\nRun `calltree collect --help` for usage\.\n$/);
    }
    r = await runBin(["collect", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: calltree collect \[options\]/);
    writeFileSync(join(dir.path, "unused"), "");
  });
});
