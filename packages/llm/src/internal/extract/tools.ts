// Tool definitions advertised in a request: OpenAI chat/responses and Anthropic `tools` arrays,
// the legacy OpenAI `functions` array, and the AI SDK's `tools` object keyed by tool name.
import type { ToolDefinition } from "./model.js";
import { isPlainObject, isRecord, isThenable, list, read, safeJson, str } from "./shape.js";

const AI_SDK_SCHEMA = Symbol.for("vercel.ai.schema");

/**
 * JSON Schema of an AI SDK tool's `inputSchema`: an AI SDK `jsonSchema()`/`zodSchema()` wrapper,
 * any Standard Schema that can emit JSON Schema (zod 4 can), or a JSON Schema object as is.
 * Lazy schemas (functions) and zod 3 schemas give `undefined`: calling arbitrary user code or
 * bundling a converter is not worth a tool description.
 */
function jsonSchemaOf(schema: unknown): unknown {
  if (!isRecord(schema)) return undefined;
  if ((schema as Record<symbol, unknown>)[AI_SDK_SCHEMA] === true) {
    const js = read(schema, "jsonSchema");
    return isThenable(js) ? undefined : js;
  }
  const standard = read(schema, "~standard");
  if (isRecord(standard)) {
    const converter = read(standard, "jsonSchema");
    const input = read(converter, "input");
    if (typeof input !== "function") return undefined;
    try {
      const js: unknown = (input as (o: { target: string }) => unknown).call(converter, { target: "draft-07" });
      return isThenable(js) ? undefined : js;
    } catch {
      return undefined;
    }
  }
  return isPlainObject(schema) ? schema : undefined;
}

function fromArrayTool(tool: unknown): ToolDefinition | undefined {
  if (!isRecord(tool)) return undefined;
  // OpenAI chat nests the definition under `function` or `custom`; responses and Anthropic
  // tools are flat; built-in tools (web_search, bash_2025…) may only have a `type`.
  const fn = read(tool, "function");
  const custom = read(tool, "custom");
  const inner = isRecord(fn) ? fn : isRecord(custom) ? custom : tool;
  const out: { jsonSchema?: string; name?: string; description?: string } = {};
  const json = safeJson(tool);
  if (json !== undefined) out.jsonSchema = json;
  const name = str(read(inner, "name")) ?? str(read(tool, "type"));
  if (name !== undefined) out.name = name;
  const description = str(read(inner, "description"));
  if (description !== undefined) out.description = description;
  return out;
}

function fromAiSdkTool(name: string, tool: unknown): ToolDefinition {
  const out: { jsonSchema?: string; name?: string; description?: string } = { name };
  if (!isRecord(tool)) return out;
  const description = str(read(tool, "description"));
  if (description !== undefined) out.description = description;
  const type = str(read(tool, "type"));
  let definition: unknown;
  if (type === "provider" || type === "provider-defined") {
    // Provider tools (e.g. `openai.web_search`) are configured by id and args, not a schema.
    definition = { type, id: str(read(tool, "id")), name, args: read(tool, "args") };
  } else {
    const parameters = jsonSchemaOf(read(tool, "inputSchema") ?? read(tool, "parameters"));
    // Written in the OpenAI function-tool form every viewer understands.
    definition = { type: "function", function: { name, description, parameters } };
  }
  const json = safeJson(definition);
  if (json !== undefined) out.jsonSchema = json;
  return out;
}

/**
 * Normalizes `tools` (an array of provider tool definitions, or an AI SDK tool set keyed by
 * name) and the legacy OpenAI `functions` array into tool definitions, in order.
 */
export function normalizeTools(tools: unknown, functions: unknown): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  const array = list(tools);
  if (array !== undefined) {
    for (const tool of array) {
      const def = fromArrayTool(tool);
      if (def !== undefined) out.push(def);
    }
  } else if (isRecord(tools)) {
    for (const [name, tool] of Object.entries(tools)) out.push(fromAiSdkTool(name, tool));
  }
  for (const fn of list(functions) ?? []) {
    const def = fromArrayTool(fn);
    if (def !== undefined) out.push(def);
  }
  return out;
}
