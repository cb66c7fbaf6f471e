// One normalized view of a chat request, whatever API it came through, and the one place that
// decides what the stand-in answers. Every endpoint maps its request in and the decision out, so
// the OpenAI, Responses and Anthropic endpoints answer the same question the same way.
import type { ChatApi, ReplyContext, StandInUsage } from "../types.js";
import { builtInAnswer, countTokens } from "./text.js";

/** A message of a conversation, flattened to text. */
export interface Turn {
  role: ReplyContext["messages"][number]["role"];
  text: string;
  /** On an assistant turn: the tool calls it made. */
  toolCalls?: ReadonlyArray<{ id: string; name: string; arguments: string }>;
  /** On a tool turn: which call it answers. */
  toolCallId?: string;
  /** On a tool turn: the tool's name, when the request says it. */
  toolName?: string;
}

/** A function tool the request offers. */
export interface ToolDef {
  name: string;
  parameters: unknown;
}

/** `auto` and `required` let the stand-in call a tool; a name forces that tool. */
export type ToolChoice = "auto" | "none" | "required" | { name: string };

export interface Conversation {
  api: ChatApi;
  model: string;
  turns: Turn[];
  tools: ToolDef[];
  toolChoice: ToolChoice;
  body: Record<string, unknown>;
}

/** A tool call the stand-in makes. */
export interface Call {
  name: string;
  arguments: string;
}

/** Text, or one answer of tool calls (several when parallel calls are on and the request allows them). */
export type Decision =
  | { type: "text"; text: string }
  | { type: "tool_call"; calls: readonly Call[] };

export type ReplyFn = (context: ReplyContext) => string | undefined;

export function lastUserText(turns: readonly Turn[]): string {
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i];
    if (turn?.role === "user") return turn.text;
  }
  return "";
}

/**
 * Scripted reply first; then: after a tool result, a text that quotes it; after a user message with
 * tools on offer, a call of the chosen (or first) tool; otherwise the built-in answer.
 */
export function decide(conversation: Conversation, reply: ReplyFn | undefined, parallel = false): Decision {
  const prompt = lastUserText(conversation.turns);
  if (reply !== undefined) {
    const scripted = reply({
      api: conversation.api,
      model: conversation.model,
      messages: conversation.turns.map((t) => ({ role: t.role, content: t.text })),
      prompt,
      tools: conversation.tools.map((t) => t.name),
      body: conversation.body,
    });
    if (typeof scripted === "string") return { type: "text", text: scripted };
  }
  const last = conversation.turns.at(-1);
  if (last?.role === "tool") {
    const name = last.toolName ?? toolNameOf(conversation.turns, last.toolCallId) ?? "tool";
    return { type: "text", text: `Tool ${name} returned: ${last.text}` };
  }
  if (last?.role === "user" && conversation.toolChoice !== "none") {
    const choice = conversation.toolChoice;
    const tools = typeof choice === "object"
      ? conversation.tools.filter((t) => t.name === choice.name).slice(0, 1)
      : parallel ? conversation.tools : conversation.tools.slice(0, 1);
    if (tools.length > 0) {
      return { type: "tool_call", calls: tools.map((tool) => ({ name: tool.name, arguments: JSON.stringify(argumentsFor(tool.parameters, prompt)) })) };
    }
  }
  return { type: "text", text: builtInAnswer(prompt) };
}

function toolNameOf(turns: readonly Turn[], callId: string | undefined): string | undefined {
  if (callId === undefined) return undefined;
  for (const turn of turns) {
    const call = turn.toolCalls?.find((c) => c.id === callId);
    if (call !== undefined) return call.name;
  }
  return undefined;
}

/**
 * Arguments that fit a JSON Schema, filled from the user's text so they look plausible: strings get
 * the last capitalized word after the first (a city, a name), numbers the numbers in the text in
 * order, enums their first value.
 */
export function argumentsFor(schema: unknown, text: string): Record<string, unknown> {
  const numbers = (text.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
  const value = valueFor(schema, { entity: entityIn(text), numbers });
  return isRecord(value) ? value : {};
}

function entityIn(text: string): string {
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  const capitalized = words.slice(1).filter((w) => /^\p{Lu}/u.test(w));
  return capitalized.at(-1) ?? words.at(-1) ?? text;
}

function valueFor(schema: unknown, source: { entity: string; numbers: number[] }): unknown {
  if (!isRecord(schema)) return source.entity;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ("const" in schema) return schema.const;
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      const first = options.find((o) => !(isRecord(o) && o.type === "null"));
      if (first !== undefined) return valueFor(first, source);
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const properties = isRecord(schema.properties) ? schema.properties : {};
      for (const [key, sub] of Object.entries(properties)) out[key] = valueFor(sub, source);
      return out;
    }
    case "number":
      return source.numbers.shift() ?? 1;
    case "integer":
      return Math.trunc(source.numbers.shift() ?? 1);
    case "boolean":
      return true;
    case "array":
      return [];
    case "null":
      return null;
    default:
      return isRecord(schema.properties) ? valueFor({ ...schema, type: "object" }, source) : source.entity;
  }
}

/** Token counts of one answer, before each API shapes them. */
export interface TokenUsage {
  prompt: number;
  completion: number;
  cached: number;
  cacheCreation: number;
  reasoning: number;
}

/**
 * Prompt tokens count every turn's text and tool-call arguments; completion tokens count the answer
 * (tool name plus arguments for a tool call) plus reasoning tokens, as OpenAI counts them.
 */
export function usageOf(turns: readonly Turn[], decision: Decision, overrides: StandInUsage): TokenUsage {
  const counted = turns.reduce(
    (n, t) => n + countTokens(t.text) + (t.toolCalls ?? []).reduce((m, c) => m + countTokens(c.name + c.arguments), 0),
    0,
  );
  return usageFor(counted, decisionText(decision), overrides);
}

export function usageFor(promptCount: number, answer: string, overrides: StandInUsage): TokenUsage {
  const prompt = overrides.promptTokens ?? promptCount;
  const reasoning = overrides.reasoningTokens ?? 0;
  const completion = overrides.completionTokens ?? countTokens(answer) + reasoning;
  const cached = Math.min(overrides.cachedTokens ?? 0, prompt);
  const cacheCreation = Math.min(overrides.cacheCreationTokens ?? 0, prompt - cached);
  return { prompt, completion, cached, cacheCreation, reasoning: Math.min(reasoning, completion) };
}

function decisionText(decision: Decision): string {
  return decision.type === "text" ? decision.text : decision.calls.map((c) => c.name + c.arguments).join(" ");
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Text of a content value that is a string or an array of `{ type, text }` parts. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? "" : JSON.stringify(content);
  return content
    .map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : ""))
    .filter((t) => t !== "")
    .join("\n");
}
