// An ES module app run as a child process by the autoInstrument tests: auto-instrumentation cannot patch imports
// here, so register() says what to call, and the app calls tracing.manuallyInstrument({ openai }).
import { trace } from "@opentelemetry/api";
import { register } from "@calltree/otel";

const tracing = register({ exporter: "memory", autoInstrument: true });
const openai = await import("openai");
if (process.env.CT_MANUAL === "1") tracing.manuallyInstrument({ openai });
const client = new openai.OpenAI({ apiKey: "sk-test", baseURL: process.env.CT_OPENAI_URL });
await trace.getTracer("openinference.calltree").startActiveSpan("Assistant.run", async (root) => {
  await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
  root.end();
});
const spans = tracing.spans().map((s) => ({ name: s.name, kind: s.attributes["openinference.span.kind"], model: s.attributes["llm.model_name"] }));
process.stdout.write(`${JSON.stringify({ spans })}\n`);
await tracing.shutdown();
