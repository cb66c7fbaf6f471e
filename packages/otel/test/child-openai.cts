// A CommonJS app run as a child process by the autoInstrument tests: register() first, then require("openai"), one
// chat completion against the local server at CT_OPENAI_URL; prints the spans it recorded as one JSON line.
interface Handle {
  spans(): Array<{ name: string; attributes: Record<string, unknown>; parentSpanContext?: { spanId: string }; spanContext(): { spanId: string; traceId: string } }>;
  instrumentations: unknown[];
  shutdown(): Promise<void>;
}
const otel = require("@calltree/otel") as { register(options: object): Handle };
const api = require("@opentelemetry/api") as typeof import("@opentelemetry/api");

// CT_REQUIRE_FIRST: the app loads the SDK before register(), keeping that reference.
const early = process.env.CT_REQUIRE_FIRST === "1" ? require("openai") : undefined;
const tracing = otel.register({ exporter: "memory", autoInstrument: true });
const OpenAI = early ?? require("openai");
const client = new OpenAI({ apiKey: "sk-test", baseURL: process.env.CT_OPENAI_URL });

void (async () => {
  const tracer = api.trace.getTracer("openinference.calltree");
  await tracer.startActiveSpan("Assistant.run", async (root) => {
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    root.end();
  });
  const spans = tracing.spans().map((s) => ({
    name: s.name,
    kind: s.attributes["openinference.span.kind"],
    model: s.attributes["llm.model_name"],
    tokens: s.attributes["llm.token_count.total"],
    parent: s.parentSpanContext?.spanId ?? "",
    id: s.spanContext().spanId,
  }));
  process.stdout.write(`${JSON.stringify({ instrumentations: tracing.instrumentations.length, spans })}\n`);
  await tracing.shutdown();
})();
