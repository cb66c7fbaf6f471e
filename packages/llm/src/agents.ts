// The OpenAI Agents SDK's models as `@llm` calls: each model call of an agent run is an LLM span under the active
// span (calltree's `@agent` around the run), whether or not the SDK's own tracing is on.
import { CalltreeError } from "@calltree/core";
import type { CommonOptions } from "@calltree/core";
import { agentsRequest } from "./internal/extract/agents.js";
import { llmKind } from "./llm.js";
import type { LlmOptions } from "./llm.js";

/**
 * The OpenAI Agents SDK's `Model` interface (`@openai/agents`), as far as calltree uses it: any object with
 * `getResponse(request)` and `getStreamedResponse(request)` (the SDK's `OpenAIChatCompletionsModel`,
 * `OpenAIResponsesModel`, the AI SDK adapter `aisdk(…)`, a model of your own).
 */
export interface AgentsModel {
  getResponse(request: any): Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any
  getStreamedResponse(request: any): AsyncIterable<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The OpenAI Agents SDK's `ModelProvider` interface: `getModel(name)` gives a {@link AgentsModel}. */
export interface AgentsModelProvider {
  getModel(modelName?: string): AgentsModel | Promise<AgentsModel>;
}

/** Options of {@link agentsModel} and {@link agentsModelProvider}: `@llm`'s options and the common ones. */
export type AgentsModelOptions = LlmOptions & CommonOptions;

type Run = (request: unknown, original: unknown) => unknown;

/**
 * Wraps an OpenAI Agents SDK `Model` so that each of its calls is an `@llm` call: one LLM span per model call, a
 * child of the span active when the agent run calls the model (calltree's `@agent` around `run()`), in the same
 * trace, whether the SDK's own tracing is on or off.
 *
 * The span records the request as the Agents SDK hands it to the model (system instructions, input items with tool
 * calls and results, function tools and handoffs, model settings) and the `ModelResponse` (output text, tool calls,
 * reasoning, usage with cached and reasoning tokens, and cost); `output.value` is the answer text, or the
 * assistant message as JSON when the model only called tools. A streamed call (`run(agent, input, { stream: true })`)
 * ends when the run has read the model's stream. Give the model's OpenAI client `llm.fetch`
 * (`new OpenAI({ fetch: llm.fetch })`) and the span records the exact request sent and the answer received, with
 * the model that answered; without it, the model name is `options.model` (else none). Tokens and cost are counted
 * once per call, as for every `@llm` call (a nested OpenInference or GenAI span keeps them).
 *
 * The returned object is a transparent proxy: every other property and method is the model's own, `instanceof`
 * still holds, and each call's result, stream and error are the model's, unchanged. A `model` that is not a Model
 * throws a `CalltreeError` (`INVALID_MODEL`) here, at setup.
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/llm.md#openai-agents-sdk
 */
export function agentsModel<M extends AgentsModel>(model: M, options?: AgentsModelOptions): M {
  const m = model as Partial<AgentsModel> | null;
  if (typeof m !== "object" || m === null || typeof m.getResponse !== "function" || typeof m.getStreamedResponse !== "function") {
    throw new CalltreeError(
      "INVALID_MODEL",
      "agentsModel(model): `model` must be an OpenAI Agents SDK Model (an object with getResponse() and getStreamedResponse()), such as `new OpenAIChatCompletionsModel(client, \"gpt-4o\")`; for a model name, wrap the provider with agentsModelProvider().",
    );
  }
  const requested = options?.model;
  // `input.value` is the request as read (below), unless the app maps it itself.
  const base: AgentsModelOptions = { input: (request: unknown) => request, ...options };
  // The first argument is the request as calltree reads it; the second, the SDK's own, is what the model gets.
  const getResponse = llmKind.wrap(((_request, original) => model.getResponse(original)) as Run, { name: "getResponse", ...base });
  const getStreamedResponse = llmKind.wrap(((_request, original) => model.getStreamedResponse(original)) as Run, { name: "getStreamedResponse", ...base });
  const read = (request: unknown): unknown => {
    try {
      return agentsRequest(request, requested);
    } catch {
      return {}; // An unreadable request is recorded as nothing; the model call goes on.
    }
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(model, {
    get(target, key) {
      if (key === "getResponse") return (request: unknown) => getResponse(read(request), request);
      if (key === "getStreamedResponse") return (request: unknown) => getStreamedResponse(read(request), request);
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      // The model's own methods run on the model itself (its private fields are not the proxy's).
      let fn = bound.get(key);
      if (fn === undefined || (fn as { original?: unknown }).original !== value) {
        fn = Object.assign((value as (...a: unknown[]) => unknown).bind(target), { original: value });
        bound.set(key, fn);
      }
      return fn;
    },
  });
}

/**
 * Wraps an OpenAI Agents SDK `ModelProvider` (such as `new OpenAIProvider({ openAIClient })`) so that every model
 * it gives is wrapped by {@link agentsModel}, with the model name it was asked for. Install it for every run with
 * the SDK's `setDefaultModelProvider(agentsModelProvider(provider))`, or for one runner with
 * `new Runner({ modelProvider: agentsModelProvider(provider) })`.
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/llm.md#openai-agents-sdk
 */
export function agentsModelProvider<P extends AgentsModelProvider>(provider: P, options?: AgentsModelOptions): P {
  if (typeof provider !== "object" || provider === null || typeof (provider as Partial<AgentsModelProvider>).getModel !== "function") {
    throw new CalltreeError(
      "INVALID_MODEL_PROVIDER",
      "agentsModelProvider(provider): `provider` must be an OpenAI Agents SDK ModelProvider (an object with getModel()), such as `new OpenAIProvider({ openAIClient })`.",
    );
  }
  const wrap = (model: AgentsModel, name: string | undefined): AgentsModel =>
    agentsModel(model, name !== undefined && options?.model === undefined ? { ...options, model: name } : options);
  return new Proxy(provider, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (key !== "getModel" || typeof value !== "function") return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      return (name?: string) => {
        const got = (value as AgentsModelProvider["getModel"]).call(target, name);
        // What is not a model (nor a promise of one) is handed on as the provider gave it.
        const wrapIf = (m: unknown) => (typeof m === "object" && m !== null ? wrap(m as AgentsModel, name) : m);
        const then = typeof got === "object" && got !== null ? (got as { then?: unknown }).then : undefined;
        return typeof then === "function" ? (got as Promise<AgentsModel>).then(wrapIf) : wrapIf(got);
      };
    },
  });
}
