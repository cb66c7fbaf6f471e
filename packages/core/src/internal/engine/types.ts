import type { Attributes, AttributeValue, SpanOptions } from "@opentelemetry/api";
import type { AttributeList } from "../../attribute-list.js";
import type { DataKeys } from "../../capture/scope.js";
import type { CommonOptions } from "../../common-options.js";
import type { CallInfo, CallStart } from "../../types.js";

/** The hooks a kind supplies; see `defineKind`. @internal */
export interface KindHooks {
  name: string;
  spanKind: string;
  onStart?: ((call: CallStart<any, any>) => Attributes | AttributeList | undefined | void) | undefined;
  onResult?: ((result: unknown, call: CallInfo<any>) => Attributes | undefined | void) | undefined;
  onChunk?: ((chunk: unknown, call: CallInfo<any>) => void) | undefined;
  onStreamEnd?: ((call: CallInfo<any>) => Attributes | undefined | void) | undefined;
  onError?: ((error: unknown, call: CallInfo<any>) => Attributes | undefined | void) | undefined;
  onChildSpan?: ((child: ChildSpan, call: CallInfo<any>) => void) | undefined;
  onClose?: ((call: CallInfo<any>) => Attributes | undefined | void) | undefined;
  dataKeys?: DataKeys | undefined;
}

/** What a kind sees of a span started inside one of its calls (by calltree or any instrumentation). */
export interface ChildSpan {
  readonly name: string;
  readonly attributes: Attributes;
  readonly instrumentationScope?: { readonly name: string } | undefined;
}

/** Everything known about one decorated method or wrapped function, computed once. @internal */
export interface MethodRecord {
  kind: KindHooks;
  options: CommonOptions & Record<string, unknown>;
  fn: (...args: unknown[]) => unknown;
  methodName: string;
  /** Resolved span name, or undefined until the class name is known. */
  spanName: string | undefined;
  className: string | undefined;
  /** TC39 decorator metadata object of the class, used to find the class name of instance methods. */
  metadata: object | undefined;
  wrapped: (...args: unknown[]) => unknown;
  staticAttributes: Attributes;
  paramNames: string[] | null | undefined;
  isStatic: boolean;
  /** How a call starts its span, derived from `staticAttributes` on the first call (see `startPlan`). */
  plan?: StartPlan | undefined;
}

/**
 * What every call of a method writes at span start, computed once per decorated method: the span options (they
 * carry only `openinference.span.kind`, the one attribute a sampler or an `onStart` span processor sees; see
 * docs/architecture.md) and the other static attributes (the four `code.*`, the kind's static attributes, the
 * `attributes` option) as parallel key and value arrays, written with one `setAttribute` each right after the
 * span starts. @internal
 */
export interface StartPlan {
  options: SpanOptions;
  kind: AttributeValue | undefined;
  keys: string[];
  values: AttributeValue[];
  /** The static attributes hold `input.value` (then a call records no input of its own). */
  staticInput: boolean;
  /** A static attribute is a `data:image/` string: masking must see the static attributes too. */
  staticImage: boolean;
  /** The function is an `async` function: its Promise is known to nobody but the caller (see promises.ts). */
  isAsync: boolean;
}

/** How a returned stream ended (the value of `calltree.stream.state`). */
export type Outcome = "completed" | "cancelled" | "errored" | "abandoned";
