// typedoc plugin for the option types read from zod shapes (LlmOptions, RegisterOptions, BatchOptions…):
// - typedoc takes each option's schema in the shape for a default value and prints `= ...` after it; an
//   interface's properties never have a default value, so it is dropped from all of them;
// - an interface that extends zod's `input<…>` of a shape (BatchOptions, SpanLimitsOptions: interfaces so that
//   RegisterOptions names them) would list that internal shape as its parent and each option as inherited from it.
import { Converter, ReflectionKind } from "typedoc";

/** @param {import("typedoc").SomeType} type */
const isShapeInput = (type) => type.type === "reference" && type.name === "input" && type.package === "zod";

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reflection of context.project.getReflectionsByKind(ReflectionKind.Property)) {
      if (reflection.parent?.kindOf(ReflectionKind.Interface)) delete reflection.defaultValue;
    }
    for (const reflection of context.project.getReflectionsByKind(ReflectionKind.Interface)) {
      if (!reflection.extendedTypes?.some(isShapeInput)) continue;
      reflection.extendedTypes = reflection.extendedTypes.filter((type) => !isShapeInput(type));
      if (reflection.extendedTypes.length === 0) delete reflection.extendedTypes;
      for (const child of reflection.children ?? []) delete child.inheritedFrom;
    }
  });
}
