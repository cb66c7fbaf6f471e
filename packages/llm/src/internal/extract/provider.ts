// Which provider hosts a model and which AI system it belongs to, guessed from model strings
// (with litellm / OpenRouter / AI-gateway prefixes), AI SDK model objects and response shapes.
import { LLMProvider, LLMSystem } from "@arizeai/openinference-semantic-conventions";
import { isRecord, nonEmpty, read, str } from "./shape.js";

/**
 * Values for `llm.provider` (who hosts the model) and `llm.system` (whose AI product it is).
 * Either may be missing when nothing identifies it.
 */
export interface ProviderInfo {
  readonly provider?: string;
  readonly system?: string;
}

// `llm.system` values the OpenInference spec lists but the 2.12 constants package does not
// export in `LLMSystem`; the spec spells them exactly like the matching `LLMProvider` values.
const SYSTEM_XAI: string = LLMProvider.XAI;
const SYSTEM_DEEPSEEK: string = LLMProvider.DEEPSEEK;

// OpenRouter is not among the spec's well-known providers; the spec allows a custom value.
const PROVIDER_OPENROUTER = "openrouter";

interface Entry {
  readonly provider?: string;
  readonly system?: string;
}

// Prefixes and AI SDK provider ids (lower case). Hosts that serve many vendors' models carry no
// system: the model after the prefix decides it.
const PREFIXES: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ["openai", { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
  ["anthropic", { provider: LLMProvider.ANTHROPIC, system: LLMSystem.ANTHROPIC }],
  ["google", { provider: LLMProvider.GOOGLE, system: LLMSystem.VERTEXAI }],
  ["gemini", { provider: LLMProvider.GOOGLE, system: LLMSystem.VERTEXAI }],
  ["vertex", { provider: LLMProvider.GOOGLE, system: LLMSystem.VERTEXAI }],
  ["vertex_ai", { provider: LLMProvider.GOOGLE, system: LLMSystem.VERTEXAI }],
  ["vertexai", { provider: LLMProvider.GOOGLE, system: LLMSystem.VERTEXAI }],
  ["mistral", { provider: LLMProvider.MISTRALAI, system: LLMSystem.MISTRALAI }],
  ["mistralai", { provider: LLMProvider.MISTRALAI, system: LLMSystem.MISTRALAI }],
  ["cohere", { provider: LLMProvider.COHERE, system: LLMSystem.COHERE }],
  ["xai", { provider: LLMProvider.XAI, system: SYSTEM_XAI }],
  ["x-ai", { provider: LLMProvider.XAI, system: SYSTEM_XAI }],
  ["deepseek", { provider: LLMProvider.DEEPSEEK, system: SYSTEM_DEEPSEEK }],
  ["ai21", { system: LLMSystem.AI21 }],
  ["meta", { provider: LLMProvider.META, system: LLMSystem.META }],
  ["meta-llama", { provider: LLMProvider.META, system: LLMSystem.META }],
  ["amazon", { provider: LLMProvider.AWS, system: LLMSystem.AMAZON }],
  ["bedrock", { provider: LLMProvider.AWS }],
  ["amazon-bedrock", { provider: LLMProvider.AWS }],
  ["aws", { provider: LLMProvider.AWS }],
  ["azure", { provider: LLMProvider.AZURE }],
  ["azure_ai", { provider: LLMProvider.AZURE }],
  ["groq", { provider: LLMProvider.GROQ }],
  ["fireworks", { provider: LLMProvider.FIREWORKS }],
  ["fireworks_ai", { provider: LLMProvider.FIREWORKS }],
  ["together", { provider: LLMProvider.TOGETHER }],
  ["together_ai", { provider: LLMProvider.TOGETHER }],
  ["togetherai", { provider: LLMProvider.TOGETHER }],
  ["cerebras", { provider: LLMProvider.CEREBRAS }],
  ["perplexity", { provider: LLMProvider.PERPLEXITY }],
  ["ollama", { provider: LLMProvider.OLLAMA }],
  ["ollama_chat", { provider: LLMProvider.OLLAMA }],
  ["moonshot", { provider: LLMProvider.MOONSHOT }],
  ["moonshotai", { provider: LLMProvider.MOONSHOT }],
  ["zai", { provider: LLMProvider.ZAI }],
  ["z-ai", { provider: LLMProvider.ZAI }],
  ["minimax", { provider: LLMProvider.MINIMAX }],
  ["openrouter", { provider: PROVIDER_OPENROUTER }],
]);

// Bare model names. Only families served by their maker alone name a provider; open-weight
// families (llama, gemma, mistral, deepseek) run anywhere, so they name the system only.
const NAME_PATTERNS: ReadonlyArray<readonly [RegExp, Entry]> = [
  [/^(gpt-|chatgpt-|o[1-9](-|$)|text-davinci|davinci|babbage|codex-|computer-use)/, { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
  [/^claude/, { provider: LLMProvider.ANTHROPIC, system: LLMSystem.ANTHROPIC }],
  [/^gemini/, { provider: LLMProvider.GOOGLE, system: LLMSystem.VERTEXAI }],
  [/^gemma/, { system: LLMSystem.VERTEXAI }],
  [/^grok/, { provider: LLMProvider.XAI, system: SYSTEM_XAI }],
  [/^command/, { provider: LLMProvider.COHERE, system: LLMSystem.COHERE }],
  [/^(mistral|mixtral|codestral|ministral|magistral|pixtral|devstral|open-mistral|open-mixtral)/, { system: LLMSystem.MISTRALAI }],
  [/^(llama|meta-llama)/, { system: LLMSystem.META }],
  [/^deepseek/, { system: SYSTEM_DEEPSEEK }],
  [/^jamba/, { system: LLMSystem.AI21 }],
  [/^(nova|titan)/, { system: LLMSystem.AMAZON }],
];

// Bedrock model ids: `anthropic.claude-…`, optionally behind a cross-region profile (`us.`).
const BEDROCK_ID = /^(?:(?:us|eu|apac|us-gov|global)\.)?(anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai)\.[a-z0-9]/;

/**
 * Provider and system implied by a model string.
 *
 * Understands router prefixes in the litellm / OpenRouter / AI-gateway convention
 * (`openrouter/google/gemma-3n-e4b-it:free`, `anthropic/claude-sonnet-4`, `azure/gpt-4o`,
 * `bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0`): the first segment names the provider,
 * the rest names the model whose maker gives the system. Bare names (`gpt-4o`, `claude-…`,
 * `gemini-…`) are recognized by family. Unknown strings give `{}`.
 */
export function providerFromModel(model: string): ProviderInfo {
  let found = modelMemo.get(model);
  if (found === undefined) {
    found = Object.freeze(inferFromModel(model));
    if (modelMemo.size >= MODEL_MEMO_LIMIT) modelMemo.clear();
    modelMemo.set(model, found);
  }
  return found;
}

// Every LLM call asks about its model once or twice (the request's, the response's), and an app uses a handful of
// models: the answers are kept (frozen, since they are shared), which saves the lower-casing and the family patterns
// on each call. The patterns cost @llm 0.03 µs a call measured alone but 0.75 µs among the bench's other rows (the
// capture.llm-chat group). Bounded, because model names come from the application.
const MODEL_MEMO_LIMIT = 512;
const modelMemo = new Map<string, ProviderInfo>();

function inferFromModel(model: string): ProviderInfo {
  const name = model.trim().toLowerCase();
  if (name.length === 0) return {};
  const slash = name.indexOf("/");
  if (slash > 0) {
    const head = PREFIXES.get(name.slice(0, slash));
    const rest = inferFromModel(name.slice(slash + 1));
    if (head === undefined) return rest;
    return pick(head.provider ?? rest.provider, rest.system ?? head.system);
  }
  const bedrock = BEDROCK_ID.exec(name);
  if (bedrock !== null) {
    const vendor = PREFIXES.get(bedrock[1] ?? "");
    return pick(LLMProvider.AWS, vendor?.system);
  }
  for (const [pattern, entry] of NAME_PATTERNS) {
    if (pattern.test(name)) return pick(entry.provider, entry.system);
  }
  return {};
}

/**
 * Provider and system implied by an AI SDK model object (`{ provider: "openai.chat", modelId }`).
 * The provider id's first dot-separated segment names the host; the model id refines the system
 * (e.g. Claude served by `google.vertex.anthropic`). The AI gateway (`gateway`) defers to the
 * model id, which carries a vendor prefix there.
 */
export function providerFromAiSdkModel(providerId: string, modelId: string | undefined): ProviderInfo {
  const fromModel = modelId === undefined ? {} : providerFromModel(modelId);
  const head = providerId.trim().toLowerCase().split(".")[0] ?? "";
  const entry = PREFIXES.get(head);
  if (entry === undefined) return fromModel;
  return pick(entry.provider ?? fromModel.provider, fromModel.system ?? entry.system);
}

/** Which API family a response, stream chunk or request object belongs to, by its shape alone. */
function apiFamilyOf(value: unknown): ProviderInfo {
  if (!isRecord(value)) return {};
  const object = str(read(value, "object"));
  const type = object === undefined ? str(read(value, "type")) : undefined;
  const role = type === "message" ? str(read(value, "role")) : undefined;
  return familyOf(object, type, role);
}

/**
 * {@link apiFamilyOf} over fields already read: OpenAI's `object` tags and `response.*` stream
 * events say OpenAI; Anthropic's assistant `message` objects and stream events say Anthropic.
 */
export function familyOf(object: string | undefined, type: string | undefined, role: string | undefined): ProviderInfo {
  if (object !== undefined) {
    return object === "chat.completion" ||
      object === "chat.completion.chunk" ||
      object === "text_completion" ||
      object === "response"
      ? { system: LLMSystem.OPENAI }
      : {};
  }
  if (type === undefined) return {};
  if (type.startsWith("response.")) return { system: LLMSystem.OPENAI };
  if (
    (type === "message" && role === "assistant") ||
    type === "message_start" ||
    type === "message_delta" ||
    type === "message_stop" ||
    type === "content_block_start" ||
    type === "content_block_delta" ||
    type === "content_block_stop"
  ) {
    return { system: LLMSystem.ANTHROPIC };
  }
  return {};
}

/** What a request says about its model: the name and, for AI SDK model objects, the provider id. */
export interface RequestModel {
  readonly name?: string;
  readonly providerId?: string;
}

/** Reads the `model` of a request: a string, or an AI SDK model object with `modelId`/`provider`. */
export function requestModelOf(request: unknown): RequestModel {
  if (!isRecord(request)) return {};
  const model = read(request, "model");
  const name = nonEmpty(model);
  if (name !== undefined) return { name };
  if (!isRecord(model)) return {};
  const modelId = nonEmpty(read(model, "modelId"));
  const providerId = nonEmpty(read(model, "provider"));
  return pick2(modelId, providerId);
}

function pick2(name: string | undefined, providerId: string | undefined): RequestModel {
  const out: { name?: string; providerId?: string } = {};
  if (name !== undefined) out.name = name;
  if (providerId !== undefined) out.providerId = providerId;
  return out;
}

function pick(provider: string | undefined, system: string | undefined): ProviderInfo {
  const out: { provider?: string; system?: string } = {};
  if (provider !== undefined) out.provider = provider;
  if (system !== undefined) out.system = system;
  return out;
}

/** The inputs {@link resolveProvider} weighs, strongest first. */
export interface ProviderEvidence {
  readonly requestModel?: RequestModel;
  readonly responseModel?: string;
  /** Shape-based family of the response or stream (see {@link apiFamilyOf}). */
  readonly responseFamily?: ProviderInfo;
}

/**
 * Combines evidence into one answer. The caller's own choice (the request's model string or AI
 * SDK provider) beats what the response echoes, which beats the response's shape: a request to
 * `openrouter/google/gemma…` is hosted by OpenRouter even though the response says `google/…`.
 */
export function resolveProvider(evidence: ProviderEvidence): ProviderInfo {
  const candidates: ProviderInfo[] = [];
  const rm = evidence.requestModel;
  if (rm?.providerId !== undefined) candidates.push(providerFromAiSdkModel(rm.providerId, rm.name));
  else if (rm?.name !== undefined) candidates.push(providerFromModel(rm.name));
  if (evidence.responseModel !== undefined) candidates.push(providerFromModel(evidence.responseModel));
  if (evidence.responseFamily !== undefined) candidates.push(evidence.responseFamily);
  let provider: string | undefined;
  let system: string | undefined;
  for (const c of candidates) {
    provider ??= c.provider;
    system ??= c.system;
  }
  return pick(provider, system);
}

/**
 * Infers `llm.provider` and `llm.system` from whatever is at hand: a request (its `model` string
 * with router prefixes, or an AI SDK model object) and/or a response (its `model` and its shape:
 * OpenAI `object` types, Anthropic `message` objects and stream events). Returns `{}` when nothing
 * identifies either. Never throws.
 */
export function detectProvider(source: { readonly request?: unknown; readonly response?: unknown }): ProviderInfo {
  try {
    const evidence: {
      requestModel?: RequestModel;
      responseModel?: string;
      responseFamily?: ProviderInfo;
    } = {};
    if (source.request !== undefined) evidence.requestModel = requestModelOf(source.request);
    if (source.response !== undefined) {
      const r = source.response;
      // Top-level `model` (OpenAI, Anthropic), AI SDK `response.modelId`, or the object a stream
      // event wraps (Anthropic `message_start.message`, OpenAI `response.created.response`).
      const model =
        nonEmpty(read(r, "model")) ??
        nonEmpty(read(read(r, "response"), "modelId")) ??
        nonEmpty(read(read(r, "response"), "model")) ??
        nonEmpty(read(read(r, "message"), "model"));
      if (model !== undefined) evidence.responseModel = model;
      evidence.responseFamily = apiFamilyOf(r);
    }
    return resolveProvider(evidence);
  } catch {
    return {};
  }
}
