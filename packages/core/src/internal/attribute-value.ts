import type { AttributeValue } from "@opentelemetry/api";

/**
 * True when `v` is an OpenTelemetry `AttributeValue`: a string, number or boolean, or an array of one of those types
 * (null and undefined allowed in it). The SDK drops anything else at run time with only a diagnostic. @internal
 */
export function isAttributeValue(v: unknown): v is AttributeValue {
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean") return true;
  if (!Array.isArray(v)) return false;
  let kind: string | undefined;
  for (const item of v as unknown[]) {
    if (item === null || item === undefined) continue;
    const k = typeof item;
    if (k !== "string" && k !== "number" && k !== "boolean") return false;
    if (kind === undefined) kind = k;
    else if (k !== kind) return false;
  }
  return true;
}
