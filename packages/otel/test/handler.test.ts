import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { defineKind } from "@calltree/core/kind";
import { register } from "@calltree/otel";
import { startReceiver } from "@calltree-internal/otlp-receiver";

const chain = defineKind({ name: "chain", spanKind: "CHAIN" });
const llm = defineKind({ name: "llm", spanKind: "LLM" });
const words = llm.wrap(async function* words(text: string) {
  for (const w of text.split(" ")) yield `${w} `;
});
const handle = chain.wrap(async function handle(request: Request): Promise<Response> {
  const q = new URL(request.url).searchParams.get("q") ?? "";
  const it = words(`answer to ${q}`);
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await it.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    }),
    { status: 201, statusText: "Made", headers: { "x-app": "yes" } },
  );
});

/** A Worker's or an edge event's `waitUntil`: keeps what it was given. */
function context() {
  const kept: Promise<unknown>[] = [];
  return { kept, waitUntil: (p: Promise<unknown>) => void kept.push(p) };
}

for (const transport of ["node", "fetch"] as const) {
  describe(`tracing.handler() (transport "${transport}")`, () => {
    test("without waitUntil: the streamed body ends only once the request's spans are at the endpoint", async () => {
      await using server = await startReceiver();
      const tracing = register({ endpoint: server.origin, transport, logLevel: "silent" });
      try {
        const handler = tracing.handler(handle);
        const response = await handler(new Request("http://app/?q=x"));
        assert.equal(response.status, 201);
        assert.equal(response.statusText, "Made");
        assert.equal(response.headers.get("x-app"), "yes");
        assert.equal(await response.text(), "answer to x ");
        // No wait: the body's end came after the flush.
        assert.deepEqual(server.spans().map((s) => s.name).sort(), ["handle", "words"]);
        assert.equal(tracing.stats().droppedSpans, 0);
      } finally {
        await tracing.shutdown();
      }
    });

    test("with waitUntil (a Worker's ctx): the response comes back at once, the promise handed over resolves once the spans are at the endpoint", async () => {
      await using server = await startReceiver();
      const tracing = register({ endpoint: server.origin, transport, logLevel: "silent" });
      try {
        const ctx = context();
        const handler = tracing.handler((request: Request, _env: object, _ctx: typeof ctx) => handle(request));
        const response = await handler(new Request("http://app/?q=y"), {}, ctx);
        assert.equal(ctx.kept.length, 1, "waitUntil was called while the request ran");
        assert.equal(await response.text(), "answer to y ");
        await Promise.all(ctx.kept);
        assert.deepEqual(server.spans().map((s) => s.name).sort(), ["handle", "words"]);
      } finally {
        await tracing.shutdown();
      }
    });

    test("a handler that throws: the same error, and the spans still flushed", async () => {
      await using server = await startReceiver();
      const tracing = register({ endpoint: server.origin, transport, logLevel: "silent" });
      try {
        const boom = new Error("boom");
        const failing = chain.wrap(async function failing(_request: Request): Promise<Response> {
          throw boom;
        });
        const ctx = context();
        const handler = tracing.handler((request: Request, _ctx: typeof ctx) => failing(request));
        await assert.rejects(handler(new Request("http://app/"), ctx), (e) => e === boom);
        await Promise.all(ctx.kept);
        assert.deepEqual(server.spans().map((s) => s.name), ["failing"]);
      } finally {
        await tracing.shutdown();
      }
    });

    test("a body the client cancels: the spans are flushed all the same", async () => {
      await using server = await startReceiver();
      const tracing = register({ endpoint: server.origin, transport, logLevel: "silent" });
      try {
        const ctx = context();
        const handler = tracing.handler((request: Request, _ctx: typeof ctx) => handle(request));
        const response = await handler(new Request("http://app/?q=z"), ctx);
        const reader = response.body!.getReader();
        await reader.read();
        await reader.cancel();
        await Promise.all(ctx.kept);
        assert.ok(server.spans().some((s) => s.name === "handle"));
      } finally {
        await tracing.shutdown();
      }
    });
  });
}
