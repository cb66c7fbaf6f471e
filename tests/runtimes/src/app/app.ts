// The app every runtime serves: a fetch handler whose calls nest across await, Promise.all and a streamed
// response. Per request: App.handle (CHAIN, the root) → Assistant.run (AGENT) → Assistant.plan (CHAIN) → two
// Assistant.lookup (TOOL, in Promise.all), then Assistant.ask (LLM); and App.handle → Assistant.stream (LLM), an
// async generator whose words are the response body, read after App.handle has returned: 7 spans, one trace.
import { agent } from "@calltree/agent";
import { chain } from "@calltree/chain";
import { llm } from "@calltree/llm";
import { tool } from "@calltree/tool";

/** Spans one request makes. */
export const SPANS_PER_REQUEST = 7;

/** A turn of the event loop through a timer: the call really crosses an await. */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class Assistant {
  @tool({ description: "Looks a fact up" })
  async lookup(args: { key: string }): Promise<string> {
    await tick();
    return `fact(${args.key})`;
  }

  @chain
  async plan(question: string): Promise<string> {
    const facts = await Promise.all([this.lookup({ key: `${question}/a` }), this.lookup({ key: `${question}/b` })]);
    return facts.join(" ");
  }

  @llm({ provider: "stand-in", model: "stand-in-1" })
  async ask(prompt: string): Promise<string> {
    await tick();
    return `answer to ${prompt}`;
  }

  @llm({ provider: "stand-in", model: "stand-in-1" })
  async *stream(text: string): AsyncGenerator<string> {
    for (const word of text.split(" ")) {
      await tick();
      yield `${word} `;
    }
  }

  @agent
  async run(question: string): Promise<string> {
    const facts = await this.plan(question);
    return this.ask(facts);
  }
}

export class App {
  private readonly assistant = new Assistant();

  /** `GET /?q=...`: the answer, streamed word by word. */
  @chain
  async handle(request: Request): Promise<Response> {
    const question = new URL(request.url).searchParams.get("q") ?? "none";
    const words = this.assistant.stream(await this.assistant.run(question));
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await words.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
  }
}

/** What the answer to `q` must be. */
export const expectedAnswer = (q: string) => `answer to fact(${q}/a) fact(${q}/b) `;
