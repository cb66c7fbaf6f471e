// Test helpers shared by the in-process tests.
import { diag, DiagLogLevel, trace } from "@opentelemetry/api";
import type { Span, Tracer } from "@opentelemetry/api";
import { TRACER_NAME } from "@calltree/core/sdk";

/** Collects `diag` messages at warn level and above while installed. */
export function collectDiag(): { messages: string[]; stop(): void } {
  const messages: string[] = [];
  const push = (message: string) => messages.push(message);
  diag.setLogger(
    { error: push, warn: push, info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  return { messages, stop: () => diag.disable() };
}

export function tracerOf(provider?: { getTracer(name: string): Tracer }): Tracer {
  return provider ? provider.getTracer(TRACER_NAME) : trace.getTracer(TRACER_NAME);
}

/** Runs `fn` inside a new active span that ends when `fn` settles. */
export function inSpan<T>(tracer: Tracer, name: string, kind: string, fn: (span: Span) => T): T {
  return tracer.startActiveSpan(name, { attributes: { "openinference.span.kind": kind } }, (span) => {
    const out = fn(span);
    if (out instanceof Promise) return out.finally(() => span.end()) as T;
    span.end();
    return out;
  });
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sets environment variables for the duration of `fn`, then restores them. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T> | T): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
