// The question that started calltree: two LLM calls, a helper agent and a tool, all in ONE trace (geographer.ts).
// The model is answered by a local stand-in, so this runs offline. To use a real provider, drop the stand-in
// and give OpenAI your key (OPENAI_API_KEY); to send traces to Phoenix, set PHOENIX_COLLECTOR_ENDPOINT.
import OpenAI from "openai";
import { withSession } from "@calltree/core";
import { llm } from "@calltree/llm";
import { register } from "@calltree/otel";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import { Geographer } from "./geographer.js";

const standIn = await startStandIn();
// No endpoint configured: traces are printed here as a tree. Set PHOENIX_COLLECTOR_ENDPOINT to export instead.
const tracing = register({ projectName: "hinbox" });

const client = new OpenAI({ apiKey: "sk-local", baseURL: standIn.openaiBaseURL, fetch: llm.fetch });

const answer = await withSession("quickstart", () => new Geographer(client).run());
console.log(`answer: ${answer}`);
await tracing.shutdown();
await standIn.close();
