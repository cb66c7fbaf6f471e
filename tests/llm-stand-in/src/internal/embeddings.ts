// POST /v1/embeddings: deterministic unit vectors derived from a hash of each input, as floats or as
// base64 little-endian float32 (the openai SDK asks for base64 unless told otherwise).
import { createHash } from "node:crypto";
import type OpenAI from "openai";
import type { Exchange } from "./exchange.js";
import { sendError, sendJson } from "./http.js";
import { countTokens } from "./text.js";

/**
 * The stand-in's vector for a text: `dimensions` values from SHA-256 of the text, scaled to unit
 * length. Each value is a float32, so the float and base64 encodings carry the same numbers.
 */
function embeddingFor(text: string, dimensions: number): number[] {
  const raw: number[] = [];
  for (let block = 0; raw.length < dimensions; block++) {
    const digest = createHash("sha256").update(`${block}:${text}`).digest();
    for (let i = 0; i + 4 <= digest.length && raw.length < dimensions; i += 4) {
      raw.push(digest.readUInt32LE(i) / 0xffffffff * 2 - 1);
    }
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

function toBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString("base64");
}

function inputsOf(input: unknown): string[] | undefined {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((v) => typeof v === "string")) return input as string[];
  // Token arrays: one array of numbers is one input, an array of arrays is several.
  if (input.every((v) => typeof v === "number")) return [input.join(" ")];
  if (input.every((v) => Array.isArray(v))) return input.map((v: unknown[]) => v.join(" "));
  return undefined;
}

export async function embeddings(ex: Exchange): Promise<void> {
  const { body } = ex;
  const inputs = inputsOf(body.input);
  if (typeof body.model !== "string" || inputs === undefined) {
    sendError(ex.res, "openai", 400, "'model' and a non-empty 'input' (string or array) are required.", ex.headers);
    return;
  }
  const dimensions = typeof body.dimensions === "number" && body.dimensions > 0 ? Math.floor(body.dimensions) : ex.embeddingDimensions;
  const base64 = body.encoding_format === "base64";
  const tokens = inputs.reduce((n, text) => n + countTokens(text), 0);
  // With base64 the `embedding` field is a string on the wire; the SDK decodes it to numbers.
  const data = inputs.map((text, index) => {
    const vector = embeddingFor(text, dimensions);
    return { object: "embedding", index, embedding: base64 ? toBase64(vector) : vector };
  });
  const response: Omit<OpenAI.CreateEmbeddingResponse, "data"> & { data: typeof data } = {
    object: "list",
    data,
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
  sendJson(ex.res, 200, response, ex.headers);
}
