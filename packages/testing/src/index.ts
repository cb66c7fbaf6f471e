// Public API of @calltree/testing.
export { captureTraces } from "./capture.js";
export type { CapturedTraces, CaptureTracesOptions, SpanNode, SpanQuery } from "./capture.js";
export { expectTraces } from "./expect.js";
export type { ExpectedSpan } from "./expect.js";
