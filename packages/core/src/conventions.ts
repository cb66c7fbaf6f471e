// Names calltree writes on spans that no semantic-conventions package defines.
/**
 * How a returned stream ended: `completed` (read to the end), `cancelled` (the reader stopped early: `break`,
 * `return()`, `cancel()`), `errored`, or `abandoned` (never read to the end before the idle time, or collected).
 */
export const STREAM_STATE = "calltree.stream.state";

/** Event added when the first chunk of a returned stream arrives (the name OpenInference instrumentations use). */
export const FIRST_TOKEN_EVENT = "First Token Stream Event";
