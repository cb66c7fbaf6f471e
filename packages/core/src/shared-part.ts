import { slot } from "./internal/global.js";

/**
 * The part named `name` of calltree's one global slot, made with `create()` the first time any copy asks for it.
 * For state that every copy of a calltree package in the process must share (its ESM and CommonJS builds, two
 * installs): `@calltree/otel` keeps its active registration here, `@calltree/llm` its model prices. The slot is
 * `@calltree/core`'s: copies of core whose versions are incompatible keep separate slots (and say so once through
 * OpenTelemetry's `diag`), so a part is never read by a copy that does not know its shape. Name parts after
 * their package (`"otel.registration"`), and change the name when the part's shape changes incompatibly.
 */
export function sharedPart<T>(name: string, create: () => T): T {
  const parts = slot.parts;
  if (parts.has(name)) return parts.get(name) as T;
  const value = create();
  parts.set(name, value);
  return value;
}
