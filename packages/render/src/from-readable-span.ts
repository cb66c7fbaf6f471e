import type { RenderSpan } from "./model.js";
import { makeSpan, statusCodeOf } from "./internal/make-span.js";

/** `[seconds, nanoseconds]`, as the OpenTelemetry API spells a point in time. */
export type HrTimeLike = readonly [number, number];

/**
 * The parts of an OpenTelemetry SDK 2.x `ReadableSpan` that {@link fromReadableSpan} reads. Typed
 * structurally so this package needs no SDK dependency; a real `ReadableSpan` fits it.
 */
export interface ReadableSpanLike {
  readonly name: string;
  spanContext(): { traceId: string; spanId: string };
  readonly parentSpanContext?: { spanId: string } | undefined;
  readonly startTime: HrTimeLike;
  readonly endTime: HrTimeLike;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly status: { code: number; message?: string | undefined };
  readonly events: ReadonlyArray<{ name: string; time: HrTimeLike; attributes?: Readonly<Record<string, unknown>> | undefined }>;
  readonly resource?: { readonly attributes: Readonly<Record<string, unknown>> } | undefined;
  readonly instrumentationScope?: { name: string; version?: string | undefined } | undefined;
}

const NANOS_PER_SECOND = 1_000_000_000n;

function hrTimeToNanos(time: HrTimeLike): bigint {
  return BigInt(Math.trunc(time[0])) * NANOS_PER_SECOND + BigInt(Math.trunc(time[1]));
}

/**
 * Normalizes an SDK `ReadableSpan` (for example from an in-memory exporter or a span processor's
 * `onEnd`). The result equals what {@link fromOtlpJson} makes of the same span after an OTLP exporter
 * sent it. Attribute objects are copied, so later changes to the SDK span do not show.
 */
export function fromReadableSpan(span: ReadableSpanLike): RenderSpan {
  const context = span.spanContext();
  return makeSpan({
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    startTimeUnixNano: hrTimeToNanos(span.startTime),
    endTimeUnixNano: hrTimeToNanos(span.endTime),
    attributes: { ...span.attributes },
    statusCode: statusCodeOf(span.status.code),
    statusMessage: span.status.message,
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: hrTimeToNanos(event.time),
      attributes: { ...event.attributes },
    })),
    resource: span.resource ? { ...span.resource.attributes } : undefined,
    scopeName: span.instrumentationScope?.name,
    scopeVersion: span.instrumentationScope?.version,
  });
}
