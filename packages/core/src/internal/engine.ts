// The engine: what happens at each call of a decorated method, one concern per file under ./engine/.
//   types.ts       the method record, the kind hooks, the start plan
//   start.ts       invoke(): the span, its start attributes, the context the function runs in
//   context.ts     the call's one-object context; what is read from the context a call starts in
//   call.ts        Call: one call in flight, and how it ends (value, error, stream; pending work)
//   attributes.ts  writing attributes (masking, scoping), a captured value as text and MIME type
//   promises.ts    a returned Promise or Promise subclass; settle()
//   streams.ts     a returned iterator, async iterable or web ReadableStream
//   watchdog.ts    streams and promises nobody consumes: idle timer, collection
//   errors.ts      guard() around kind hooks and mappers; an error as an exception event and status
//   processor.ts   the span processor that shows a kind its calls' child spans
export { CALL_KEY, Call } from "./engine/call.js";
export { guard } from "./engine/errors.js";
export { createCalltreeSpanProcessor } from "./engine/processor.js";
export { invoke, parseParamNames } from "./engine/start.js";
export type { ChildSpan, KindHooks, MethodRecord } from "./engine/types.js";
