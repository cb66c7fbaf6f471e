// Where spans are sent: the URL rules of each kind of endpoint setting.
import { CalltreeError } from "../core.js";

/**
 * Turns a configured endpoint into the URL spans are POSTed to: a base URL gets `/v1/traces` appended, a URL that
 * already ends in `/v1/traces` is kept.
 */
export function tracesUrl(endpoint: string, fail: (expected: string) => Error): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw fail("expected an http(s) URL such as http://localhost:6006");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw fail(`expected an http:// or https:// URL (calltree sends OTLP over HTTP), got ${url.protocol}//`);
  }
  const path = url.pathname.replace(/\/+$/, "");
  if (!path.endsWith("/v1/traces")) url.pathname = `${path}/v1/traces`;
  return url.toString();
}

/** An `INVALID_OPTIONS` error for `option`, saying what was expected. */
export function optionError(option: string, expected: string): CalltreeError {
  return new CalltreeError("INVALID_OPTIONS", `register(): \`${option}\` is invalid: ${expected}.`);
}

