// The engine's import path for the span conventions; their home is ../conventions.ts.
export { FIRST_TOKEN_EVENT, STREAM_STATE } from "../conventions.js";
