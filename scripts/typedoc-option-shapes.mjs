// typedoc plugin for the option types read from zod shapes (`@interface` type aliases such as LlmOptions): typedoc
// takes each option's schema in the shape for a default value and prints `= ...` after it. An interface's
// properties never have a default value, so it is dropped from all of them.
import { Converter, ReflectionKind } from "typedoc";

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reflection of context.project.getReflectionsByKind(ReflectionKind.Property)) {
      if (reflection.parent?.kindOf(ReflectionKind.Interface)) delete reflection.defaultValue;
    }
  });
}
