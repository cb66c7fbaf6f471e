// One OTLP/HTTP trace receiver (and request builder) for every calltree test suite and the bench.
export { startReceiver, behaviourOf } from "./receiver.js";
export type { Behaviour, Reply, OtlpReceiver, ReceiverOptions, ReceivedRequest } from "./receiver.js";
export { spansOf, groupByTrace, treesOf, outline, keyValues } from "./spans.js";
export type { ReceivedSpan, ReceivedEvent, SpanNode } from "./spans.js";
export { decodeRequest, encodeRequest, countSpans, inflateBody } from "./codec.js";
export type { OtlpRequest, OtlpSpan, OtlpKeyValue } from "./codec.js";
export { jsonRequest, protobufRequest, postSpans, randomHex } from "./send.js";
export type { SpanSpec, RequestSource } from "./send.js";
