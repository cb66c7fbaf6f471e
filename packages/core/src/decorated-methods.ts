// Reading back a class's decorated methods (the registry itself lives with the decorators in internal/decorate.ts).
export { decoratedMethods } from "./internal/decorate.js";
