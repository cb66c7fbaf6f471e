// One cell of the matrix: a scenario run inside an @llm (or @agent) call against a fresh stand-in, then the
// invariants every cell must hold, checked on the exported spans.
import { captureTraces } from "@calltree/testing";
import type { CapturedTraces } from "@calltree/testing";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import type { StandIn, StandInOptions } from "@calltree-internal/llm-stand-in";

type ReadableSpan = CapturedTraces["spans"][number];

/** What a scenario says the trace must show. */
export interface Expect {
  /** The answer's text, recorded exactly once on the calling span. */
  text?: string;
  /** Tool-call arguments, each exactly once, in order. */
  toolArgs?: string[];
  /**
   * The stand-in's real usage for the whole trace (sum of token totals over every span). `undefined` for a stream
   * cut short whose partial usage is what the provider sent so far: then at most one span may carry usage and cost.
   */
  tokens: number | undefined;
  /** The answering model, on the span that holds the usage (or the calling span when none does). */
  model?: string;
  /** The calling span ends with status ERROR. */
  error?: boolean;
  /** Number of model calls that were priced (cost must appear on exactly that many spans). Default: 1 if tokens > 0. */
  costed?: number;
  /** Cache-read prompt tokens, once per trace. */
  cacheRead?: number;
  /** Reasoning tokens, once per trace. */
  reasoning?: number;
}

export interface CellContext {
  standIn: StandIn;
  traces: CapturedTraces;
}

export interface Scenario {
  name: string;
  standIn?: StandInOptions;
  run(ctx: CellContext): Promise<Expect>;
}

export interface CellResult {
  group: string;
  sdk: string;
  version: string;
  node: string;
  scenario: string;
  ok: boolean;
  reason?: string;
}

/**
 * GenAI operations whose usage is the sum of the model calls under them (the AI SDK's `invoke_agent` span): a
 * backend that sums a trace counts the model-call spans only.
 */
const AGGREGATE_OPERATIONS = new Set(["invoke_agent", "invoke_workflow"]);

/** Tokens of a trace, each span counted by the convention it carries (OpenInference first, else GenAI). */
export function traceTokens(spans: readonly ReadableSpan[]): number {
  let sum = 0;
  for (const s of spans) {
    const a = s.attributes;
    if (AGGREGATE_OPERATIONS.has(String(a["gen_ai.operation.name"]))) continue;
    if (typeof a["llm.token_count.total"] === "number") sum += a["llm.token_count.total"];
    else if (typeof a["gen_ai.usage.input_tokens"] === "number" || typeof a["gen_ai.usage.output_tokens"] === "number") {
      sum += Number(a["gen_ai.usage.input_tokens"] ?? 0) + Number(a["gen_ai.usage.output_tokens"] ?? 0);
    }
  }
  return sum;
}

function sumOf(spans: readonly ReadableSpan[], openinference: string, genai: string): number {
  let sum = 0;
  for (const s of spans) {
    const a = s.attributes;
    if (AGGREGATE_OPERATIONS.has(String(a["gen_ai.operation.name"]))) continue;
    if (typeof a[openinference] === "number") sum += a[openinference];
    else if (typeof a[genai] === "number") sum += a[genai];
  }
  return sum;
}

function occurrences(haystack: string, needle: string): number {
  return needle === "" ? 0 : haystack.split(needle).length - 1;
}

const CALLTREE_SCOPE = "openinference.calltree";

/** The invariants of issue 14, on every cell. Returns the first broken one, or undefined. */
export function check(traces: CapturedTraces, expect: Expect): string | undefined {
  const spans = traces.spans;
  if (spans.length === 0) return "no span exported";
  const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
  if (traceIds.size !== 1) return `${traceIds.size} traces:\n${traces.shape()}`;
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const roots = spans.filter((s) => s.parentSpanContext === undefined || !ids.has(s.parentSpanContext.spanId));
  if (roots.length !== 1) return `${roots.length} roots:\n${traces.shape()}`;
  const root = roots[0] as ReadableSpan;
  if (root.instrumentationScope.name !== CALLTREE_SCOPE) return `the root is not calltree's span:\n${traces.shape()}`;
  // The SDK's own spans nest under the calltree span that made the call (same trace, one root, which is ours).
  const callers = spans.filter((s) => s.instrumentationScope.name === CALLTREE_SCOPE && s.attributes["openinference.span.kind"] === "LLM");
  const caller = callers.at(-1) ?? root;
  for (const s of spans) {
    if (s.instrumentationScope.name === CALLTREE_SCOPE) continue;
    let p: ReadableSpan | undefined = s;
    let under = false;
    while ((p = p && traces.parentOf(p)) !== undefined) if (p.instrumentationScope.name === CALLTREE_SCOPE) { under = true; break; }
    if (!under) return `${s.name} (${s.instrumentationScope.name}) is not under a calltree span`;
  }
  // The text, tool calls and model are read where they were recorded: on the calling span, or, when an
  // instrumentation recorded them and @llm could not read the method's result, on the nested LLM span.
  const hasOutput = (s: ReadableSpan) => s.attributes["llm.output_messages.0.message.role"] !== undefined;
  const isUnder = (s: ReadableSpan, ancestor: ReadableSpan): boolean => {
    for (let p = traces.parentOf(s); p !== undefined; p = traces.parentOf(p)) if (p === ancestor) return true;
    return false;
  };
  // Where a calltree LLM call's answer was recorded: on its span, else on the LLM span nested in it.
  const holderOf = (c: ReadableSpan): ReadableSpan | undefined => (hasOutput(c) ? c : spans.filter((s) => hasOutput(s) && isUnder(s, c)).at(-1));
  const holder = holderOf(caller) ?? spans.find(hasOutput) ?? caller;
  const a = holder.attributes;
  if (expect.text !== undefined) {
    const content = a["llm.output_messages.0.message.content"];
    if (content !== expect.text) return `output message ${JSON.stringify(content)}, expected ${JSON.stringify(expect.text)}`;
    const out = String(a["output.value"] ?? "");
    if (occurrences(out, expect.text) !== 1) return `output.value has the text ${occurrences(out, expect.text)} times: ${out.slice(0, 200)}`;
  }
  if (expect.toolArgs !== undefined) {
    // Over every model call calltree recorded (an agent's tool call, then its answer), in order; else the holder's.
    const argsOf = (s: ReadableSpan): string[] => {
      const out: string[] = [];
      for (let k = 0; ; k++) {
        const v = s.attributes[`llm.output_messages.0.message.tool_calls.${k}.tool_call.function.arguments`];
        if (v === undefined) break;
        out.push(String(v));
      }
      return out;
    };
    let args = callers.flatMap((c) => { const h = holderOf(c); return h === undefined ? [] : argsOf(h); });
    if (args.length === 0) args = argsOf(holder);
    if (JSON.stringify(args) !== JSON.stringify(expect.toolArgs)) return `tool arguments ${JSON.stringify(args)}, expected ${JSON.stringify(expect.toolArgs)}`;
  }
  const withUsage = spans.filter((s) => !AGGREGATE_OPERATIONS.has(String(s.attributes["gen_ai.operation.name"])) && typeof s.attributes["llm.token_count.total"] === "number" || typeof s.attributes["gen_ai.usage.input_tokens"] === "number");
  const costedSpans = spans.filter((s) => typeof s.attributes["llm.cost.total"] === "number").length;
  if (expect.tokens === undefined) {
    if (withUsage.length > 1 || costedSpans > 1) return `a cut stream's usage on ${withUsage.length} spans, cost on ${costedSpans}\n${usageShape(spans)}`;
    return expect.error === true && caller.status.code !== 2 ? "the calling span's status is not ERROR" : undefined;
  }
  const tokens = traceTokens(spans);
  if (tokens !== expect.tokens) return `tokens over the trace ${tokens}, expected ${expect.tokens}\n${usageShape(spans)}`;
  if (expect.cacheRead !== undefined) {
    const n = sumOf(spans, "llm.token_count.prompt_details.cache_read", "gen_ai.usage.cache_read.input_tokens");
    if (n !== expect.cacheRead) return `cache-read tokens over the trace ${n}, expected ${expect.cacheRead}`;
  }
  if (expect.reasoning !== undefined) {
    const n = sumOf(spans, "llm.token_count.completion_details.reasoning", "gen_ai.usage.reasoning.output_tokens");
    if (n !== expect.reasoning) return `reasoning tokens over the trace ${n}, expected ${expect.reasoning}`;
  }
  const costed = costedSpans;
  const wantCosted = expect.costed ?? (expect.tokens > 0 ? 1 : 0);
  if (costed !== wantCosted) return `cost on ${costed} spans, expected ${wantCosted}\n${usageShape(spans)}`;
  if (expect.model !== undefined) {
    // Some span records a model, and wherever calltree recorded one it is the answering model (calltree never
    // writes on another library's span: OpenInference's LangChain span keeps the requested model).
    if (!spans.some((s) => s.attributes["llm.model_name"] !== undefined)) return "no span records llm.model_name";
    const wrong = spans.filter((s) => s.instrumentationScope.name === CALLTREE_SCOPE)
      .map((s) => s.attributes["llm.model_name"]).filter((m) => m !== undefined && m !== expect.model);
    if (wrong.length > 0) return `llm.model_name ${JSON.stringify(wrong[0])}, expected ${expect.model}`;
  }
  if (expect.error === true && caller.status.code !== 2) return "the calling span's status is not ERROR";
  return undefined;
}

function usageShape(spans: readonly ReadableSpan[]): string {
  return spans.map((s) => {
    const u = Object.entries(s.attributes).filter(([k]) => k.startsWith("llm.token_count.total") || k.startsWith("llm.cost.total") || k.startsWith("gen_ai.usage.input") || k.startsWith("gen_ai.usage.output"));
    return `  ${s.name} [${s.instrumentationScope.name}] ${u.map(([k, v]) => `${k}=${String(v)}`).join(" ")}`;
  }).join("\n");
}

/** Runs one scenario in a fresh stand-in and capture; never throws. */
export async function runCell(scenario: Scenario): Promise<{ ok: boolean; reason?: string }> {
  const standIn = await startStandIn(scenario.standIn);
  const traces = captureTraces({ global: true });
  try {
    const expect = await scenario.run({ standIn, traces });
    await traces.flush();
    const broken = check(traces, expect);
    return broken === undefined ? { ok: true } : { ok: false, reason: broken };
  } catch (error) {
    return { ok: false, reason: `threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}` };
  } finally {
    traces.restore();
    await standIn.close();
  }
}

/** The usage every chat answer of the matrix reports: 30 prompt + 7 completion tokens. */
export const USAGE = { promptTokens: 30, completionTokens: 7 } as const;
export const TOTAL = USAGE.promptTokens + USAGE.completionTokens;
export const ANSWER = "Beijing is the capital.";
export const replyUnlessTools: StandInOptions["reply"] = (c) => (c.tools.length > 0 ? undefined : ANSWER);
/** A 1x1 PNG. */
export const PNG = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64"));
