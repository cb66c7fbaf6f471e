// Deterministic text helpers: the stand-in's "tokenizer", its built-in answers and how it cuts an
// answer into stream chunks. Deterministic on purpose: tests assert exact values.

const TOKEN = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/** Counts words and punctuation marks; a stand-in for a real tokenizer, stable across runs. */
export function countTokens(text: string): number {
  return text.match(TOKEN)?.length ?? 0;
}

const CAPITALS: Readonly<Record<string, string>> = {
  china: "Beijing",
  japan: "Tokyo",
  france: "Paris",
  germany: "Berlin",
  italy: "Rome",
  spain: "Madrid",
  england: "London",
  "united kingdom": "London",
  canada: "Ottawa",
  australia: "Canberra",
};

/** The built-in answer to a user text: a few capitals, otherwise an echo. */
export function builtInAnswer(prompt: string): string {
  const capital = /capital (?:city )?of ([\p{L} ]+)/iu.exec(prompt);
  if (capital?.[1] !== undefined) {
    const country = capital[1].trim().toLowerCase().replace(/^the /, "");
    const city = CAPITALS[country];
    if (city !== undefined) return city;
  }
  return `You said: ${prompt}`;
}

/** Cuts a text into word-sized pieces (each keeps its trailing space) that join back to the text. */
export function chunkText(text: string): string[] {
  if (text === "") return [];
  return text.match(/\s*\S+\s*/g) ?? [text];
}

/** Cuts a string into pieces of at most `size` characters (for streamed tool-call arguments). */
export function slice(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
