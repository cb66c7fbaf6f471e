import { diag } from "@opentelemetry/api";
import type { LogLevel } from "../options.js";
import type { DropReason } from "./span-processor.js";

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** calltree's own lines on stderr, filtered by `logLevel`. Never throws. */
export interface Printer {
  print(level: Exclude<LogLevel, "silent">, line: string): void;
}

export function createPrinter(level: LogLevel, write: (text: string) => void = (t) => process.stderr.write(t)): Printer {
  return {
    print(at, line) {
      if (RANK[at] > RANK[level]) return;
      try {
        write(`[calltree] ${line}\n`);
      } catch {
        // stderr closed: nothing else to tell.
      }
    },
  };
}

/** What a secret is replaced with wherever calltree shows a configured value. */
export const MASK = "****";

/**
 * A URL fit to print: the password replaced, or the user name when it comes alone (a token given as the user),
 * and every query value replaced, so a key passed in the URL does not leak. A string that does not parse as a URL
 * (it is being reported as invalid) is masked the same way as text.
 */
export function maskUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return maskUrlText(raw);
  }
  if (url.password !== "") url.password = MASK;
  else if (url.username !== "") url.username = MASK;
  for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, MASK);
  return url.toString().replace(/%2A%2A%2A%2A/g, MASK);
}

/** {@link maskUrl} for text that is not a valid URL: the user info before the last `@`, and query values. */
function maskUrlText(raw: string): string {
  const q = raw.indexOf("?");
  let head = q < 0 ? raw : raw.slice(0, q);
  const at = head.lastIndexOf("@");
  if (at >= 0) {
    const slashes = head.indexOf("//");
    const from = slashes >= 0 && slashes < at ? slashes + 2 : 0;
    const userinfo = head.slice(from, at);
    const colon = userinfo.indexOf(":");
    head = `${head.slice(0, from)}${colon < 0 ? MASK : `${userinfo.slice(0, colon)}:${MASK}`}${head.slice(at)}`;
  }
  if (q < 0) return head;
  const query = raw.slice(q + 1).split("&").map((pair) => {
    const eq = pair.indexOf("=");
    return eq < 0 ? pair : `${pair.slice(0, eq)}=${MASK}`;
  });
  return `${head}?${query.join("&")}`;
}

const NETWORK: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNABORTED: "connection aborted",
  EFETCH: "the request failed (fetch gave no reason)",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate not trusted",
};

/** A short, secret-free description of an export error, and a stable key for its kind. */
export function classifyError(error: unknown): { key: string; text: string } {
  if (error === undefined || error === null) return { key: "unknown", text: "unknown error" };
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  if (e.code === "timeout") return { key: "timeout", text: typeof e.message === "string" ? e.message : "no answer in time" };
  if (typeof e.code === "string") {
    return { key: `net:${e.code}`, text: `${NETWORK[e.code] ?? "network error"} (${e.code})` };
  }
  if (typeof e.code === "number") {
    // Only the status line: a response body could echo what was sent.
    const message = typeof e.message === "string" && e.message.startsWith("HTTP") ? e.message.split(":")[0] as string : `HTTP ${e.code}`;
    return { key: `http:${e.code}`, text: message };
  }
  const message = typeof e.message === "string" ? e.message : String(error);
  if (/timed out|timeout/i.test(message)) return { key: "timeout", text: "no answer in time" };
  if (/retryable status/i.test(message)) return { key: "http:retryable", text: "server busy or unavailable (HTTP 429/502/503/504)" };
  return { key: `error:${message.slice(0, 60)}`, text: message.slice(0, 200) };
}

/** The fix for a fault, by kind, for the diagnostic users see once. */
function faultAdvice(key: string, target: string): string {
  if (key === "net:ECONNREFUSED") {
    return `nothing answers at ${target}: start Phoenix (it listens on port 6006) or \`npx calltree collect\`, or point PHOENIX_COLLECTOR_ENDPOINT / register({ endpoint }) at your collector`;
  }
  if (key === "net:ENOTFOUND" || key === "net:EAI_AGAIN") return `the host of ${target} cannot be resolved: check the endpoint`;
  if (key.startsWith("net:")) return `the connection to ${target} failed: check the endpoint and the network`;
  if (key === "http:401" || key === "http:403") return `${target} refused the credentials: check apiKey / PHOENIX_API_KEY or the authorization header`;
  if (key === "http:404") return `${target} has no OTLP receiver: the endpoint should be the server's base URL or end in /v1/traces`;
  if (key === "http:415") return `${target} does not accept this encoding: Phoenix accepts only protocol "http/protobuf"`;
  if (key === "http:413") return `${target} found the request too large: lower batch.maxExportBatchSize or capture.maxValueLength`;
  if (key === "http:429" || key === "http:503" || key === "http:502" || key === "http:504" || key === "http:retryable") {
    return `${target} is busy or unavailable; calltree retries with back-off and drops spans it could not deliver`;
  }
  if (key.startsWith("http:5")) return `${target} failed to handle the request (server error)`;
  if (key.startsWith("http:")) return `${target} rejected the request`;
  if (key === "timeout") return `${target} did not answer in time: is it overloaded, or is the address wrong?`;
  return `exporting to ${target} failed`;
}

/**
 * Tells each kind of export fault once per registration through `diag.warn`, with its fix, however many spans
 * or requests it hits.
 */
export class FaultLog {
  private readonly seen = new Set<string>();
  private readonly target: string;
  private readonly listeners = new Set<(key: string, text: string) => void>();
  /** The first fault seen, for the dropped-spans line. */
  first: string | undefined;
  private firstKey: string | undefined;

  constructor(target: string) {
    this.target = target;
  }

  /** Records a fault of kind `key` (e.g. `net:ECONNREFUSED`, `http:503`); `text` describes it. */
  fault(key: string, text: string): void {
    if (this.first === undefined) {
      this.first = text;
      this.firstKey = key;
    }
    for (const listener of this.listeners) listener(key, text);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    try {
      diag.warn(`calltree: export to ${this.target} failed: ${text}; ${faultAdvice(key, this.target)}.`);
    } catch {
      // A throwing diag logger must not reach the exporter.
    }
  }

  error(error: unknown): void {
    const { key, text } = classifyError(error);
    this.fault(key, text);
  }

  /**
   * The fix for the first fault, when it came from the endpoint (a network error, an HTTP status, a timeout), for
   * the dropped-spans line: the line is printed by default, the diagnostics only with a `diag` logger.
   */
  firstAdvice(): string | undefined {
    const key = this.firstKey;
    if (key === undefined || !(key.startsWith("net:") || key.startsWith("http:") || key === "timeout")) return undefined;
    return faultAdvice(key, this.target);
  }

  /** Calls `listener` on every fault from now on; returns the unsubscribe function. */
  onFault(listener: (key: string, text: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Counts lost spans and says so once on stderr, even with no diagnostic logger installed: one line, with the
 * count so far and the reasons, a second after the first loss (or at exit/shutdown, whichever comes first).
 * Later losses are counted (`stats().droppedSpans`) and go to `diag`.
 */
export class DropReporter {
  private readonly printer: Printer;
  private readonly faults: FaultLog | undefined;
  private readonly byReason = new Map<DropReason, number>();
  private total = 0;
  private reported = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private firstError: string | undefined;
  /** After shutdown: no exit hook will print the line any more, so a loss is told at the next turn. */
  private closed = false;

  constructor(printer: Printer, faults: FaultLog | undefined) {
    this.printer = printer;
    this.faults = faults;
  }

  add(count: number, reason: DropReason, error?: unknown): void {
    this.total += count;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + count);
    if (error !== undefined && this.firstError === undefined) this.firstError = classifyError(error).text;
    if (this.reported) {
      try {
        diag.warn(`calltree: ${count} more span(s) dropped (${reason}); ${this.total} in all.`);
      } catch {
        // see FaultLog.fault
      }
      return;
    }
    if (this.timer === undefined) {
      if (this.closed) {
        // Not unref'd: the process may be about to end, and this line is all that tells of the loss. Spans ending
        // in the same turn share it.
        this.timer = setTimeout(() => this.report(), 0);
      } else {
        this.timer = setTimeout(() => this.report(), 1_000);
        this.timer.unref?.();
      }
    }
  }

  /** Tracing is shut down: prints the line now if spans were dropped, and tells later losses at the next turn. */
  close(): void {
    this.closed = true;
    this.report();
  }

  /** Prints the line now if spans were dropped and it was not printed yet. */
  report(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.reported || this.total === 0) return;
    this.reported = true;
    const parts: string[] = [];
    const failed = this.byReason.get("export-failed");
    if (failed) {
      const advice = this.faults?.first !== undefined ? this.faults.firstAdvice() : undefined;
      parts.push(`${failed} failed to export: ${this.faults?.first ?? this.firstError ?? "exporter error"}${advice ? ` — ${advice}` : ""}`);
    }
    const full = this.byReason.get("queue-full");
    if (full) parts.push(`${full} found the export queue full (the exporter could not keep up, or the app did not let the event loop turn to send)`);
    const exit = this.byReason.get("exit");
    if (exit) parts.push(`${exit} were still pending when the process ended`);
    const unconfirmed = this.byReason.get("unconfirmed");
    if (unconfirmed) {
      parts.push(`${unconfirmed} ${unconfirmed === 1 ? "was" : "were"} sent, but the process ended before the endpoint confirmed ${unconfirmed === 1 ? "it" : "them"} (${unconfirmed === 1 ? "it" : "they"} may have arrived)`);
    }
    const late = this.byReason.get("after-shutdown");
    if (late) parts.push(`${late} ended after tracing.shutdown() (shut down once the traced calls have finished)`);
    this.printer.print(
      "error",
      `${this.total} span${this.total === 1 ? " was" : "s were"} dropped: ${parts.join("; ")}. ` +
        "Later drops are counted in tracing.stats().droppedSpans.",
    );
  }

  count(): number {
    return this.total;
  }
}
