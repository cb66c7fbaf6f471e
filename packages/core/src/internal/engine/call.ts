import { createContextKey } from "@opentelemetry/api";
import type { Attributes, AttributeValue, Context, Span } from "@opentelemetry/api";
import { captureConfig } from "../../capture/config.js";
import { maskAttributes } from "../../capture/mask.js";
import type { CommonOptions } from "../../common-options.js";
import type { CallInfo } from "../../types.js";
import { reportOnce } from "../diagnostics.js";
import { FIRST_TOKEN_EVENT, STREAM_STATE } from "../../conventions.js";
import {
  EMPTY,
  INPUT_VALUE,
  kindAttributes,
  maskedCopy,
  mimeType,
  OUTPUT_MIME_TYPE,
  OUTPUT_VALUE,
  perKey,
  setEach,
  valueText,
  writeKindAttributes,
  writeKindValue,
} from "./attributes.js";
import { guard1, guard2, recordError } from "./errors.js";
import type { MethodRecord, Outcome } from "./types.js";
import { unwatch } from "./watchdog.js";

/** Context key of the innermost calltree call. */
export const CALL_KEY = createContextKey("calltree call v1");

/** Where {@link Call.set} writes: at once through `setAttributes` (no hook that returns attributes is running). */
export const SAY_AT_ONCE = 0;
/** The running hook's attributes go straight to the span, pair by pair through the capture. */
export const SAY_DIRECT = 1;
/** The running hook's attributes are collected, then merged with what it returns. */
export const SAY_COLLECT = 2;

// The span waits at most this long for pending work (see Call.waitFor) after the call ended.
const PENDING_CAP_MS = 5_000;

/**
 * What a call keeps while the app reads its returned stream (or holds its Promise subclass): made when calltree
 * starts observing one, so a call that returns a plain value or a Promise carries none of it. @internal
 */
export class Live {
  /** Chunks of the stream seen so far. */
  chunks = 0;
  // What the chunks left for `output.value`: text chunks while every chunk is a string; mixed or object chunks
  // (strings already kept move there); chunks past the limits, counted only.
  texts: string[] | undefined = undefined;
  textLength = 0;
  items: unknown[] | undefined = undefined;
  dropped = 0;
  // The idle watchdog (see watchdog.ts): the last chunk's time, its timer, whether the call was registered with the
  // FinalizationRegistry, and how many registered objects (the stream, its iterators) are still alive.
  lastActivity = 0;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  watched = false;
  liveTargets = 0;
  /** The context the stream's steps run in: the call's, marked as inside this call's stream (see streams.ts). */
  streamCtx: Context | undefined = undefined;
}

/**
 * One call in flight, from span start to span end. Implements the kinds' view of it ({@link CallInfo}). How it
 * ends depends on the result: {@link Call.succeed} for a plain value, {@link Call.finishStream} for a returned stream,
 * {@link Call.fail} for an error; each goes through {@link Call.end}, which waits for pending work, and `close`,
 * which writes the last attributes and ends the span. @internal
 */
export class Call implements CallInfo<any> {
  span: Span = undefined as unknown as Span;
  ctx: Context = undefined as unknown as Context;
  ended = false;
  /** The span itself has ended (after `ended`, once pending work is done): child spans are reported until then. */
  closed = false;
  data: unknown = undefined;
  thisArg: unknown;
  /** A returned stream's reading and watchdog state, once there is one (see {@link Call.liveState}). */
  live: Live | undefined = undefined;
  // Work the span waits for before it ends (e.g. reading a teed response body); see waitFor().
  pending: Set<Promise<unknown>> | undefined = undefined;
  // The attributes onResult returned, when they are written key by key at close (see writeKindAttributes).
  kindResult: Attributes | undefined = undefined;
  // The output of a plain result when the kind's attributes are written as the kind returned them (see
  // resultAttributes): written at close, right after them.
  outputText: string | undefined = undefined;
  outputMime: string | undefined = undefined;
  // How set() writes while a hook runs (SAY_*); what it collected; whether it set the input or the output value.
  sayMode = SAY_AT_ONCE;
  said: Attributes | undefined = undefined;
  saidInput = false;
  saidOutput = false;

  constructor(
    readonly rec: MethodRecord,
    thisArg: unknown,
    readonly args: readonly unknown[],
    readonly parent: Call | undefined,
  ) {
    this.thisArg = thisArg;
  }

  /** The call's {@link Live} state, made on first use. */
  liveState(): Live {
    return (this.live ??= new Live());
  }

  get options(): CommonOptions & Record<string, unknown> {
    return this.rec.options;
  }

  get methodName(): string {
    return this.rec.methodName;
  }

  get kindName(): string {
    return this.rec.kind.name;
  }

  /** Attributes from the kind's recorder API: written while the call runs, and after it until pending work is done. */
  setAttributes(attributes: Attributes): void {
    if (this.ended && this.pending === undefined) return;
    try {
      setEach(this.span, maskedCopy(attributes, this.rec));
    } catch (e) {
      reportOnce(`set-attributes:${this.rec.kind.name}`, "could not set span attributes", e);
    }
  }

  set(key: string, value: AttributeValue | undefined): void {
    if (value === undefined) return;
    const mode = this.sayMode;
    if (mode === SAY_DIRECT) {
      if (key === INPUT_VALUE) this.saidInput = true;
      else if (key === OUTPUT_VALUE) this.saidOutput = true;
      try {
        writeKindValue(this.span, key, value, this.rec, captureConfig().maxValueLength);
      } catch (e) {
        reportOnce(`set-attributes:${this.rec.kind.name}`, "could not set span attributes", e);
      }
    } else if (mode === SAY_COLLECT) {
      (this.said ??= {})[key] = value;
    } else {
      const one: Attributes = {};
      one[key] = value;
      this.setAttributes(one);
    }
  }

  /** What a hook run with SAY_COLLECT set through set() and what it returned, as one object (returned keys win). */
  merged(got: Attributes | undefined): Attributes | undefined {
    const said = this.said;
    if (said === undefined) return got;
    this.said = undefined;
    return got === undefined ? said : Object.assign(said, got);
  }

  addEvent(name: string, attributes?: Attributes): void {
    if (this.ended) return;
    try {
      this.span.addEvent(name, attributes);
    } catch (e) {
      reportOnce(`add-event:${this.rec.kind.name}`, "could not add a span event", e);
    }
  }

  parentCall(kindName?: string): CallInfo | undefined {
    for (let c = this.parent; c !== undefined; c = c.parent) {
      if (kindName === undefined || c.rec.kind.name === kindName) return c;
    }
    return undefined;
  }

  waitFor(work: Promise<unknown>): void {
    if (this.ended) return;
    const pending = (this.pending ??= new Set());
    const settled: Promise<unknown> = work.then(
      (): void => void pending.delete(settled),
      (): void => void pending.delete(settled),
    );
    pending.add(settled);
  }

  /** Ends the span after a plain (non-stream) result. */
  succeed(result: unknown): void {
    if (this.ended) return;
    const rec = this.rec;
    const options = rec.options;
    if (rec.kind.onResult === undefined && rec.kind.onClose === undefined && options.output === undefined && this.pending === undefined && !captureConfig().masking) {
      // The common case: no kind hook, no mapper, no masking: the two output attributes go straight to the span.
      this.ended = true;
      this.closed = true;
      this.thisArg = undefined;
      if (this.live?.watched === true) unwatch(this);
      try {
        const span = this.span;
        if (options.captureOutput !== false && result !== undefined) {
          span.setAttribute(OUTPUT_VALUE, valueText(result));
          span.setAttribute(OUTPUT_MIME_TYPE, mimeType(result));
        }
        span.end();
      } catch (e) {
        reportOnce(`end:${rec.kind.name}`, "could not end a span", e);
      }
      return;
    }
    this.end(this.resultAttributes(result));
  }

  private resultAttributes(result: unknown): Attributes {
    const rec = this.rec;
    const hook = rec.kind.onResult;
    let attrs: Attributes | undefined;
    if (hook !== undefined) {
      // What the hook set() goes to the span at once when it can be written key by key (see writeKindAttributes).
      const direct = perKey(rec);
      this.sayMode = direct ? SAY_DIRECT : SAY_COLLECT;
      let got = guard2(this, "onResult", hook, result, this) ?? undefined;
      this.sayMode = SAY_AT_ONCE;
      got = this.merged(got);
      if (got !== undefined) {
        // Written key by key at close when it can be (no copy, one pass), else a scoped and masked copy. Not when
        // the span waits for pending work: the hook's object, if it shares it, could change in the meantime.
        const waits = this.pending !== undefined && this.pending.size > 0;
        if (direct && !waits) this.kindResult = attrs = got;
        else {
          attrs = kindAttributes(got, rec, true);
          if (attrs === got && waits) attrs = Object.assign({}, got);
        }
      }
    }
    if (rec.options.captureOutput !== false && !this.saidOutput && (attrs === undefined || attrs[OUTPUT_VALUE] === undefined)) {
      const output = rec.options.output;
      let value = result;
      if (output !== undefined) value = guard1(this, "output mapper", output, result);
      if (value !== undefined && !captureConfig().masking) {
        // With masking off the output needs no pass of its own, and no object (the hook's own object, when kept, is
        // never extended): it waits in the call and is written at close, after the hook's attributes.
        this.outputText = valueText(value);
        this.outputMime = mimeType(value);
      } else if (value !== undefined) {
        attrs ??= {};
        attrs[OUTPUT_VALUE] = valueText(value);
        attrs[OUTPUT_MIME_TYPE] = mimeType(value);
        // Masking is on here, and attrs is the call's own (a masked copy of the hook's, or new).
        maskAttributes(attrs);
      }
    }
    return attrs ?? EMPTY;
  }

  /** Ends the call with these last attributes; the span closes now, or when pending work is done. */
  end(attrs: Attributes): void {
    this.ended = true;
    this.thisArg = undefined;
    if (this.live?.watched === true) unwatch(this);
    if (this.pending !== undefined && this.pending.size > 0) {
      // The span keeps the end time of the call; its last attributes arrive when the pending work is done
      // (bounded, so a stuck body read cannot keep a span open).
      const endTime = Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cap = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, PENDING_CAP_MS);
        (timer as { unref?: () => void }).unref?.();
      });
      void Promise.race([Promise.allSettled([...this.pending]), cap]).then(() => {
        clearTimeout(timer);
        this.pending = undefined;
        this.close(attrs, endTime);
      });
      return;
    }
    this.close(attrs, undefined);
  }

  private close(attrs: Attributes, endTime: number | undefined): void {
    const hook = this.rec.kind.onClose;
    let last: Attributes | undefined;
    if (hook !== undefined) {
      // The kind's last word, when nothing can reach the call any more (e.g. usage, once every child was seen).
      this.sayMode = SAY_COLLECT;
      const got = this.merged(guard1(this, "onClose", hook, this) ?? undefined);
      this.sayMode = SAY_AT_ONCE;
      if (got !== undefined) {
        try {
          last = kindAttributes(got, this.rec, true);
        } catch (e) {
          reportOnce(`set-attributes:${this.rec.kind.name}`, "could not set span attributes", e);
        }
      }
    }
    this.closed = true;
    try {
      const span = this.span;
      if (attrs === this.kindResult) writeKindAttributes(span, attrs, this.rec);
      else if (attrs !== EMPTY) setEach(span, attrs);
      this.kindResult = undefined;
      if (this.outputText !== undefined) {
        span.setAttribute(OUTPUT_VALUE, this.outputText);
        span.setAttribute(OUTPUT_MIME_TYPE, this.outputMime!);
        this.outputText = undefined;
      }
      if (last !== undefined) setEach(span, last);
      span.end(endTime);
    } catch (e) {
      reportOnce(`end:${this.rec.kind.name}`, "could not end a span", e);
    }
  }

  /** Records an error and ends the span; the caller rethrows the same error. */
  fail(error: unknown, extra?: Attributes): void {
    if (this.ended) return;
    const hook = this.rec.kind.onError;
    let attrs: Attributes | undefined = extra;
    if (hook !== undefined) {
      this.sayMode = SAY_COLLECT;
      const more = this.merged(guard2(this, "onError", hook, error, this) ?? undefined);
      this.sayMode = SAY_AT_ONCE;
      if (more !== undefined) attrs = Object.assign({}, attrs, maskedCopy(more as Attributes, this.rec));
    }
    try {
      recordError(this.span, error);
    } catch (e) {
      reportOnce(`record-error:${this.rec.kind.name}`, "could not record an error on a span", e);
    }
    this.end(attrs ?? EMPTY);
  }

  /** One chunk of a returned stream. */
  chunk(value: unknown): void {
    if (this.ended) return;
    const c = this.liveState();
    if (c.chunks === 0) this.addEvent(FIRST_TOKEN_EVENT);
    c.chunks++;
    c.lastActivity = Date.now();
    const hook = this.rec.kind.onChunk;
    if (hook !== undefined) guard2(this, "onChunk", hook, value, this);
    if (this.rec.options.captureOutput === false) return;
    const limit = captureConfig().maxValueLength;
    if (typeof value === "string" && c.items === undefined) {
      if (c.textLength < limit) {
        (c.texts ??= []).push(value);
        c.textLength += value.length;
      } else c.dropped++;
    } else if ((c.items?.length ?? 0) < 1000 && c.textLength < limit) {
      // Mixed or object chunks: keep them as items (strings already kept move along).
      if (c.items === undefined) c.items = c.texts ?? [];
      c.texts = undefined;
      // Binary chunks are kept as their size: a byte stream hands their buffers on to the reader.
      c.items.push(ArrayBuffer.isView(value) ? binaryMarker(value) : value);
    } else c.dropped++;
  }

  /** Ends the span of a stream. */
  finishStream(outcome: Outcome, error?: unknown): void {
    if (this.ended) return;
    const hook = this.rec.kind.onStreamEnd;
    let attrs: Attributes | undefined;
    if (hook !== undefined) {
      this.sayMode = SAY_COLLECT;
      const got = this.merged(guard1(this, "onStreamEnd", hook, this) ?? undefined);
      this.sayMode = SAY_AT_ONCE;
      if (got !== undefined) attrs = maskedCopy(got, this.rec);
    }
    attrs ??= {};
    attrs[STREAM_STATE] = outcome;
    if (this.rec.options.captureOutput !== false && attrs[OUTPUT_VALUE] === undefined) {
      const c = this.live;
      let collected: unknown = c?.texts !== undefined ? c.texts.join("") : c?.items;
      const dropped = c?.dropped ?? 0;
      if (dropped > 0 && Array.isArray(collected)) collected = [...collected, `…[${dropped} more chunks]`];
      if (dropped > 0 && typeof collected === "string") collected += `…[${dropped} more chunks]`;
      const output = this.rec.options.output;
      if (output !== undefined && collected !== undefined) collected = guard1(this, "output mapper", output, collected);
      if (collected !== undefined) {
        attrs[OUTPUT_VALUE] = valueText(collected);
        attrs[OUTPUT_MIME_TYPE] = mimeType(collected);
      }
      if (captureConfig().masking) maskAttributes(attrs);
    }
    if (outcome === "errored") this.fail(error, attrs);
    else this.end(attrs);
  }
}

function binaryMarker(view: ArrayBufferView): string {
  return `[${view.constructor?.name ?? "ArrayBufferView"} ${view.byteLength} bytes]`;
}
