import { SpanStatusCode } from "@opentelemetry/api";
import type { Attributes, Span, Tracer } from "@opentelemetry/api";
import { MimeType, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import {
  ATTR_CODE_COLUMN_NUMBER,
  ATTR_CODE_FILE_PATH,
  ATTR_CODE_FUNCTION_NAME,
  ATTR_CODE_LINE_NUMBER,
} from "@opentelemetry/semantic-conventions";
import { fileURLToPath } from "node:url";

// Raw OpenTelemetry in the form the bench used as its reference until issue 12 (kept as a labelled row): the
// attributes known at the start passed as an object in the startActiveSpan options, those of the result set with
// one setAttributes({...}) object at the end, errors recorded, the span always ended. The SDK copies an options
// object attribute by attribute, so this form is 1.15–1.4× the tight form below.

function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
}

/** A sync function traced by hand. */
export function handSync<A, R>(
  tracer: Tracer,
  name: string,
  start: (a: A) => Attributes,
  fn: (a: A) => R,
  end: (r: R, span: Span) => Attributes,
): (a: A) => R {
  return (a) =>
    tracer.startActiveSpan(name, { attributes: start(a) }, (span) => {
      try {
        const r = fn(a);
        span.setAttributes(end(r, span));
        return r;
      } catch (e) {
        recordError(span, e);
        throw e;
      } finally {
        span.end();
      }
    });
}

/** An async function traced by hand. */
export function handAsync<A, R>(
  tracer: Tracer,
  name: string,
  start: (a: A) => Attributes,
  fn: (a: A) => Promise<R>,
  end: (r: R, span: Span) => Attributes,
): (a: A) => Promise<R> {
  return (a) =>
    tracer.startActiveSpan(name, { attributes: start(a) }, async (span) => {
      try {
        const r = await fn(a);
        span.setAttributes(end(r, span));
        return r;
      } catch (e) {
        recordError(span, e);
        throw e;
      } finally {
        span.end();
      }
    });
}

/** The span kind and a text input: three of the five OpenInference attributes. */
export function textInput(kind: string): (a: string) => Attributes {
  return (a) => ({ [SC.OPENINFERENCE_SPAN_KIND]: kind, [SC.INPUT_VALUE]: a, [SC.INPUT_MIME_TYPE]: MimeType.TEXT });
}

/** A text output: the other two. */
export function textOutput(r: string): Attributes {
  return { [SC.OUTPUT_VALUE]: r, [SC.OUTPUT_MIME_TYPE]: MimeType.TEXT };
}

/** The span kind and a JSON input. */
export function jsonInput(kind: string): (a: unknown) => Attributes {
  return (a) => ({ [SC.OPENINFERENCE_SPAN_KIND]: kind, [SC.INPUT_VALUE]: JSON.stringify(a), [SC.INPUT_MIME_TYPE]: MimeType.JSON });
}

/** A JSON output. */
export function jsonOutput(r: unknown): Attributes {
  return { [SC.OUTPUT_VALUE]: JSON.stringify(r), [SC.OUTPUT_MIME_TYPE]: MimeType.JSON };
}

// ---------------------------------------------------------------------------------------------------------
// The tight form: what a careful person writes to record exactly what calltree records for a call (kind, input
// and output with their MIME types, and the same four `code.*` location attributes), as cheaply as the SDK
// allows: keys in module constants, `startActiveSpan` with no options object, one `setAttribute` per attribute.
// These are the reference rows of the overhead and nested groups.

const KIND = SC.OPENINFERENCE_SPAN_KIND;
const INPUT_VALUE = SC.INPUT_VALUE;
const INPUT_MIME = SC.INPUT_MIME_TYPE;
const OUTPUT_VALUE = SC.OUTPUT_VALUE;
const OUTPUT_MIME = SC.OUTPUT_MIME_TYPE;
const TEXT = MimeType.TEXT;
const JSON_MIME = MimeType.JSON;
const CODE_FUNCTION = ATTR_CODE_FUNCTION_NAME;
const CODE_FILE = ATTR_CODE_FILE_PATH;
const CODE_LINE = ATTR_CODE_LINE_NUMBER;
const CODE_COLUMN = ATTR_CODE_COLUMN_NUMBER;

/** The code location a hand-written span records, as calltree takes it once per decorated method. */
export interface CodeSite {
  readonly functionName: string;
  readonly filePath: string;
  readonly line: number;
  readonly column: number;
}

/** A code site in this file, standing for the place a person's hand-written span lives. */
export function site(functionName: string): CodeSite {
  return { functionName, filePath: fileURLToPath(import.meta.url), line: 120, column: 7 };
}

/** Extra start/end attributes of a tight span (the AGENT and LLM spans of the nested group). */
export type TightExtra<A, R> = {
  start?: (span: Span, a: A) => void;
  end?: (span: Span, r: R) => void;
};

// Input and output as calltree records them: a string as text/plain, anything else as JSON.
function setInput(span: Span, a: unknown): void {
  if (typeof a === "string") {
    span.setAttribute(INPUT_VALUE, a);
    span.setAttribute(INPUT_MIME, TEXT);
  } else {
    span.setAttribute(INPUT_VALUE, JSON.stringify(a));
    span.setAttribute(INPUT_MIME, JSON_MIME);
  }
}

function setOutput(span: Span, r: unknown): void {
  if (typeof r === "string") {
    span.setAttribute(OUTPUT_VALUE, r);
    span.setAttribute(OUTPUT_MIME, TEXT);
  } else {
    span.setAttribute(OUTPUT_VALUE, JSON.stringify(r));
    span.setAttribute(OUTPUT_MIME, JSON_MIME);
  }
}

function setStart(span: Span, kind: string, code: CodeSite, a: unknown): void {
  span.setAttribute(KIND, kind);
  setInput(span, a);
  span.setAttribute(CODE_FUNCTION, code.functionName);
  span.setAttribute(CODE_FILE, code.filePath);
  span.setAttribute(CODE_LINE, code.line);
  span.setAttribute(CODE_COLUMN, code.column);
}

/** A sync function traced by hand, tight form. */
export function tightSync<A, R>(tracer: Tracer, name: string, kind: string, code: CodeSite, fn: (a: A) => R, extra?: TightExtra<A, R>): (a: A) => R {
  const start = extra?.start;
  const end = extra?.end;
  return (a) =>
    tracer.startActiveSpan(name, (span) => {
      setStart(span, kind, code, a);
      if (start !== undefined) start(span, a);
      try {
        const r = fn(a);
        setOutput(span, r);
        if (end !== undefined) end(span, r);
        return r;
      } catch (e) {
        recordError(span, e);
        throw e;
      } finally {
        span.end();
      }
    });
}

/** An async function traced by hand, tight form. */
export function tightAsync<A, R>(
  tracer: Tracer,
  name: string,
  kind: string,
  code: CodeSite,
  fn: (a: A) => Promise<R>,
  extra?: TightExtra<A, R>,
): (a: A) => Promise<R> {
  const start = extra?.start;
  const end = extra?.end;
  return (a) =>
    tracer.startActiveSpan(name, async (span) => {
      setStart(span, kind, code, a);
      if (start !== undefined) start(span, a);
      try {
        const r = await fn(a);
        setOutput(span, r);
        if (end !== undefined) end(span, r);
        return r;
      } catch (e) {
        recordError(span, e);
        throw e;
      } finally {
        span.end();
      }
    });
}
