import { context, createContextKey } from "@opentelemetry/api";

interface PendingId {
  readonly id: string;
  claimed: boolean;
}

// `createContextKey` is `Symbol.for(description)`: a second copy of this package (ESM next to CJS) shares it.
const TOOL_CALL_ID = createContextKey("calltree tool call id v1");

/** Runs `fn` so that the first `@tool` call it makes records `id` as `tool.id`. */
export function withToolCallId<T>(id: string, fn: () => T): T {
  const pending: PendingId = { id, claimed: false };
  return context.with(context.active().setValue(TOOL_CALL_ID, pending), fn);
}

/**
 * The tool call id handed to {@link withToolCallId}, for the first tool call that asks: tools that tool calls
 * in turn run in the same context and must not claim their caller's id.
 */
export function claimToolCallId(): string | undefined {
  const pending = context.active().getValue(TOOL_CALL_ID) as PendingId | undefined;
  if (pending === undefined || pending.claimed) return undefined;
  pending.claimed = true;
  return pending.id;
}
