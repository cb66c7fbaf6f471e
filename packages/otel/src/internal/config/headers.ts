// HTTP header checks for the OTLP exporter's headers: a header HTTP refuses fails at setup, never quoting a value.
import { maskKeyValues } from "../env.js";
import { MASK } from "../diagnostics.js";

/** The headers with their names trimmed and lower-cased (names compare case-insensitively). */
export function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const [k, v] of Object.entries(headers)) out[k.trim().toLowerCase()] = v;
  return out;
}

/** The characters of an HTTP header name (RFC 9110 `token`). */
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

function describeChar(c: string): string {
  if (c === " ") return "a space";
  if (c === "\r" || c === "\n") return "a line break";
  if (c === "\t") return "a tab";
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return "a control character";
  if (code > 0x7e) return "a non-ASCII character";
  return JSON.stringify(c);
}

/** A header list fit to print: every value masked, and a name HTTP would refuse masked too (it may hold a pasted key). */
export function maskHeaderList(value: string): string {
  return maskKeyValues(value).split(",").map((part) => {
    const eq = part.indexOf("=");
    if (eq < 0) return part;
    const name = part.slice(0, eq).trim();
    return name === "" || [...name].every((c) => TOKEN_CHAR.test(c)) ? part : `${MASK}=${MASK}`;
  }).join(",");
}

/**
 * What makes `value` unsendable as an HTTP header value (a line break, a control or non-ASCII character), or
 * `undefined`. Node's HTTP client refuses line breaks and control characters; non-ASCII text would reach the server
 * re-encoded, so it is refused too.
 */
export function headerValueProblem(value: string): string | undefined {
  const bad = /[^\t\x20-\x7e]/.exec(value);
  return bad === null ? undefined : describeChar(bad[0]);
}

/**
 * Throws `fail(problem)` for the first header HTTP would refuse. The problem never quotes a value (values are
 * secrets), and quotes a name only up to its first bad character (a name can be a pasted `Authorization: Bearer …`).
 */
export function checkHeaders(headers: Record<string, string>, fail: (problem: string) => Error): void {
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.trim();
    const at = [...name].findIndex((c) => !TOKEN_CHAR.test(c));
    if (name === "") throw fail("a header has an empty name");
    if (at >= 0) {
      const shown = [...name].slice(0, at).join("");
      throw fail(
        `the header name ${shown === "" ? "" : `starting ${JSON.stringify(shown)} `}contains ${describeChar([...name][at] as string)}, which ` +
          "HTTP does not allow in a name (one word of letters, digits and !#$%&'*+-.^_`|~, e.g. x-api-key)",
      );
    }
    const problem = headerValueProblem(value);
    if (problem !== undefined) {
      throw fail(`the value of header "${name.toLowerCase()}" contains ${problem}, which HTTP does not allow (the value is not shown)`);
    }
  }
}

