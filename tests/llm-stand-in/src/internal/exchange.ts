// What every endpoint handler is given: the parsed request, the response, and the server's settings.
import type { ServerResponse } from "node:http";
import type { StandInFault, StandInUsage } from "../types.js";
import type { ReplyFn } from "./conversation.js";

export interface Exchange {
  body: Record<string, unknown>;
  res: ServerResponse;
  fault: StandInFault;
  /** Headers every answer carries (request ids). */
  headers: Record<string, string>;
  /** A deterministic id: the prefix plus this server's running number. */
  nextId(prefix: string): string;
  reply: ReplyFn | undefined;
  usage: StandInUsage;
  embeddingDimensions: number;
  /** Several tools offered: call each of them in one answer, unless the request disables parallel calls. */
  parallelToolCalls: boolean;
  /** The model named in answers, from the requested one (default: the same). */
  answerModel: (requested: string) => string;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
