import assert from "node:assert/strict";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { MimeType, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every string a span exports: name, attribute values (also inside arrays), event names and attributes, status. */
export function exportedText(span: ReadableSpan): string {
  const parts: string[] = [span.name, span.status.message ?? ""];
  const add = (attrs: Record<string, unknown> | undefined) => {
    for (const [k, v] of Object.entries(attrs ?? {})) {
      parts.push(k);
      if (Array.isArray(v)) for (const x of v) parts.push(String(x));
      else parts.push(String(v));
    }
  };
  add(span.attributes);
  for (const e of span.events) {
    parts.push(e.name);
    add(e.attributes);
  }
  for (const l of span.links) add(l.attributes);
  return parts.join("\n");
}

/**
 * The capture contract for one span: `input.value`/`output.value` fit in `maxValueLength`; where the MIME type
 * says JSON, the value parses (and, JSON-escaped, holds no lone surrogate); where it says text, it is a string.
 * The JSON context attributes (metadata, prompt-template variables) parse too.
 */
export function assertCaptureContract(span: ReadableSpan, maxValueLength: number): void {
  for (const [valueKey, mimeKey] of [
    [SC.INPUT_VALUE, SC.INPUT_MIME_TYPE],
    [SC.OUTPUT_VALUE, SC.OUTPUT_MIME_TYPE],
  ] as const) {
    const value = span.attributes[valueKey];
    const mime = span.attributes[mimeKey];
    if (value === undefined) {
      assert.equal(mime, undefined, `${mimeKey} without ${valueKey}`);
      continue;
    }
    assert.equal(typeof value, "string", `${valueKey} is a string`);
    const text = value as string;
    assert.ok(text.length <= maxValueLength, `${valueKey} is ${text.length} units, over the limit of ${maxValueLength}`);
    if (mime === MimeType.JSON) {
      assert.doesNotThrow(() => JSON.parse(text), `${valueKey} claims JSON: ${text.slice(0, 200)}`);
      assert.equal(LONE_SURROGATE.test(text), false, `${valueKey} JSON holds a lone surrogate`);
    } else {
      assert.equal(mime, MimeType.TEXT, `${mimeKey} is JSON or text`);
    }
  }
  for (const key of [SC.METADATA, SC.PROMPT_TEMPLATE_VARIABLES]) {
    const v = span.attributes[key];
    if (v !== undefined) {
      assert.equal(typeof v, "string");
      assert.doesNotThrow(() => JSON.parse(v as string), `${key} claims JSON`);
      assert.ok((v as string).length <= maxValueLength, `${key} over the limit`);
    }
  }
}
