import { trace } from "@opentelemetry/api";
import { MimeType, OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { chain } from "@calltree/chain";
import { llm } from "@calltree/llm";
import { completionChunks } from "../fixtures/openai.js";
import type { Group, Row } from "../harness.js";
import { before } from "../before.js";

/**
 * Anything a row computes goes here, so no chunk can be optimized away: exported, so the writes are observable.
 * @public
 */
export let sink: unknown;

const CHUNKS = 500;

type Chunk = { choices: Array<{ delta: { content?: string } }> };

async function consume(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const chunk of stream) sink = chunk;
}

function rows(): Row[] {
  const chunks = completionChunks(CHUNKS);
  const tracer = trace.getTracer("bench-raw");
  const prompt = "Summarize the quarter.";
  async function* source(): AsyncGenerator<unknown> {
    for (const c of chunks) yield c;
  }
  class Plain {
    async *stream(_prompt: string): AsyncGenerator<unknown> {
      yield* source();
    }
  }
  class Client {
    @llm({ provider: "openai" })
    async *stream(_prompt: string): AsyncGenerator<unknown> {
      yield* source();
    }
    @chain
    async *streamChain(_prompt: string): AsyncGenerator<unknown> {
      yield* source();
    }
  }
  // By hand: a span around the whole stream that collects the text deltas and records them at the end.
  async function* byHand(p: string): AsyncGenerator<unknown> {
    const span = tracer.startSpan("Client.stream", {
      attributes: { [SC.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.LLM, [SC.INPUT_VALUE]: p, [SC.INPUT_MIME_TYPE]: MimeType.TEXT },
    });
    let text = "";
    try {
      for await (const chunk of source()) {
        const delta = (chunk as Chunk).choices[0]?.delta.content;
        if (delta !== undefined) text += delta;
        yield chunk;
      }
      span.setAttributes({ [SC.OUTPUT_VALUE]: text, [SC.OUTPUT_MIME_TYPE]: MimeType.TEXT });
    } finally {
      span.end();
    }
  }
  const plain = new Plain();
  const client = new Client();
  // The same stream decorated with the --before build's @llm, when one is given.
  let oldClient: { stream(p: string): AsyncGenerator<unknown> } | undefined;
  if (before !== undefined) {
    const oldLlm = before.llm as unknown as typeof llm;
    class OldClient {
      @oldLlm({ provider: "openai" })
      async *stream(_prompt: string): AsyncGenerator<unknown> {
        yield* source();
      }
    }
    oldClient = new OldClient();
  }
  return [
    { id: "undecorated", label: "undecorated: for await over the stream", spansPerCall: 0, run: async (n) => { for (let i = 0; i < n; i++) await consume(plain.stream(prompt)); } },
    { id: "by-hand", label: "by hand: one span, text deltas collected (reference)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) await consume(byHand(prompt)); } },
    { id: "calltree-llm", label: "calltree @llm (full stream aggregation)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) await consume(client.stream(prompt)); } },
    ...(oldClient === undefined
      ? []
      : [{ id: "calltree-llm-before", label: "calltree @llm (full stream aggregation), the --before build", spansPerCall: 1, run: async (n: number) => { for (let i = 0; i < n; i++) await consume(oldClient.stream(prompt)); } }]),
    { id: "calltree-chain", label: "calltree @chain (chunks collected as JSON)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) await consume(client.streamChain(prompt)); } },
  ];
}

/** Item 5 of the issue: a streamed answer of 500 chunks, per chunk. */
export function streamGroups(): Group[] {
  return [
    {
      id: "stream.llm-500",
      title: `A streamed @llm answer of ${CHUNKS} OpenAI chunks (async generator), BatchSpanProcessor → discarding exporter`,
      tracing: "batch",
      unit: "chunk",
      opsPerCall: CHUNKS,
      reference: "by-hand",
      baseline: "undecorated",
      maxCallsPerSample: 10_000,
      rows,
      notes: ["Time per chunk of the whole call (start, 500 chunks, end); \"extra\" is the difference to consuming the stream undecorated."],
    },
  ];
}
