import { Assistant } from "../../../lib/assistant";

export async function POST(request: Request): Promise<Response> {
  const { question } = (await request.json()) as { question: string };
  const answer = await new Assistant().run(question);
  return new Response(answer.pipeThrough(new TextEncoderStream()), {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
