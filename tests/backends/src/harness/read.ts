// Reading back what Phoenix reports, through Phoenix's own API: @arizeai/phoenix-client (REST) for spans,
// Phoenix's GraphQL for the figures REST does not give (trace cost, sessions). Never calltree's decoders.
import { createClient } from "@arizeai/phoenix-client";
import { getSpans } from "@arizeai/phoenix-client/spans";
import type { Phoenix } from "./phoenix.js";

/** A span as Phoenix's REST API returns it. */
export type PhoenixSpan = Awaited<ReturnType<typeof getSpans>>["spans"][number];

/** A REST client for this Phoenix. */
function client(phoenix: Pick<Phoenix, "url">) {
  return createClient({ options: { baseUrl: phoenix.url } });
}

/** Every span Phoenix holds for `traceIds` in `project` (all pages). */
export async function spansOf(
  phoenix: Pick<Phoenix, "url">,
  project: string,
  traceIds?: string[],
): Promise<PhoenixSpan[]> {
  const c = client(phoenix);
  const all: PhoenixSpan[] = [];
  let cursor: string | undefined;
  do {
    const page = await getSpans({
      client: c,
      project: { projectName: project },
      limit: 1000,
      ...(traceIds ? { traceIds } : {}),
      ...(cursor ? { cursor } : {}),
    }).catch((error: unknown) => {
      // getSpans throws when the project does not exist yet (spans still in Phoenix's ingestion queue).
      if (/not found|404/i.test(String(error))) return { spans: [] as PhoenixSpan[], nextCursor: null };
      throw error;
    });
    all.push(...page.spans);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/**
 * Polls Phoenix until `project` holds `count` spans (of `traceIds`, if given), then returns them. Phoenix ingests
 * through a queue, so spans appear some time after the export succeeded: this waits for that event. The deadline
 * is generous (a loaded machine) and asserts no speed; on expiry the error shows what did arrive. Afterwards it
 * checks once more that no extra span arrived.
 */
export async function waitForSpans(
  phoenix: Pick<Phoenix, "url"> & { tail?: (n?: number) => string },
  project: string,
  count: number,
  traceIds?: string[],
  deadlineMs = 120_000,
): Promise<PhoenixSpan[]> {
  const until = Date.now() + deadlineMs;
  let spans: PhoenixSpan[];
  for (;;) {
    spans = await spansOf(phoenix, project, traceIds);
    if (spans.length >= count) return spans;
    if (Date.now() > until) {
      throw new Error(
        `Phoenix has ${spans.length} of ${count} spans in project ${project} ` +
          `(${spans.map((s) => s.name).join(", ")}). Phoenix log:\n${phoenix.tail?.(30) ?? ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200)); // a polling interval, not a wait for an event
  }
}

/** Runs a GraphQL query against Phoenix's `/graphql`; throws on GraphQL errors. */
export async function graphql<T>(phoenix: Pick<Phoenix, "url">, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await fetch(`${phoenix.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await r.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (!r.ok || body.errors?.length) {
    throw new Error(`Phoenix GraphQL: HTTP ${r.status} ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data as T;
}

/** Phoenix's span attributes as a flat record (REST returns them flat, keyed by the dotted name). */
export function attrs(span: PhoenixSpan): Record<string, unknown> {
  return (span.attributes ?? {}) as Record<string, unknown>;
}
