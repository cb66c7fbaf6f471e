// The only file that imports @calltree/core: everything register() needs from the engine goes through here,
// so a change in core's API is a change in one place.
export { CalltreeError, configureCapture, createCalltreeSpanProcessor, useTracerProvider } from "@calltree/core";
export type { CaptureOptions } from "@calltree/core";
