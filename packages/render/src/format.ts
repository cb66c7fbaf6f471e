// Formatting is fixed (no locale, no time zone) so rendered trees can be compared in golden tests.

/** `950ns`, `420µs`, `1.2ms`, `12ms`, `1.24s`, `1m 02s`, `2h 05m`; `?` for a negative duration. */
export function formatDuration(nanos: bigint): string {
  if (nanos < 0n) return "?";
  if (nanos < 1_000n) return `${nanos}ns`;
  const ns = Number(nanos);
  if (ns < 999_500) return `${Math.round(ns / 1e3)}µs`;
  const ms = ns / 1e6;
  if (ms < 9.95) return `${ms.toFixed(1)}ms`;
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  const s = ms / 1e3;
  if (s < 59.995) return `${s.toFixed(2)}s`;
  const totalSeconds = Math.round(s);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m ${pad2(totalSeconds % 60)}s`;
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h ${pad2(totalMinutes % 60)}m`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `$0.000123` below a cent, `$0.0123` below a dollar, `$1.50` above; `<$0.000001` for dust. */
export function formatCost(usd: number): string {
  if (usd === 0) return "$0";
  const sign = usd < 0 ? "-" : "";
  const abs = Math.abs(usd);
  if (abs < 0.0000005) return `${sign}<$0.000001`;
  if (abs < 0.01) return `${sign}$${abs.toFixed(6)}`;
  if (abs < 1) return `${sign}$${abs.toFixed(4)}`;
  const [whole = "0", cents = "00"] = abs.toFixed(2).split(".");
  return `${sign}$${groupDigits(Number(whole))}.${cents}`;
}

/** `1234567` → `1,234,567` (rounded to an integer). */
export function groupDigits(n: number): string {
  const rounded = Math.round(n);
  const digits = String(Math.abs(rounded));
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return rounded < 0 ? `-${out}` : out;
}

/** `1 span`, `3 spans`. */
export function plural(n: number, word: string): string {
  return `${groupDigits(n)} ${word}${n === 1 ? "" : "s"}`;
}

// C0/C1 controls (ANSI escapes, newlines), line/paragraph separators and bidi overrides: text from a
// span must not move the cursor, recolour the terminal or reorder what is shown.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One printable line of at most `max` characters, cut with `…`. */
export function sanitize(text: string, max: number): string {
  let clean = text.replace(UNSAFE, " ");
  if (clean.length > max) {
    clean = clean.slice(0, max - 1);
    // Do not leave half of a surrogate pair at the cut.
    if (/[\ud800-\udbff]$/.test(clean)) clean = clean.slice(0, -1);
    clean += "…";
  }
  return clean;
}
