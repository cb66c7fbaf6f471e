// For kinds that put a function of their own in front of a method (the wrapper machinery is internal/function-shape.ts).
export { copyFunctionShape } from "./internal/function-shape.js";
