"use server";
import { Assistant } from "../lib/assistant";

/** A server action that streams the answer: React sends the ReadableStream to the browser as it is read. */
export async function askAction(question: string): Promise<ReadableStream<string>> {
  return new Assistant().run(question);
}
