import { SpanStatusCode } from "@opentelemetry/api";
import type { Attributes, Span, Tracer } from "@opentelemetry/api";
import { MimeType, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";

// Raw OpenTelemetry as a careful person writes it by hand: startActiveSpan, the attributes known at the start
// passed in the options, those of the result set at the end, errors recorded, the span always ended. These
// are the reference rows.

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
