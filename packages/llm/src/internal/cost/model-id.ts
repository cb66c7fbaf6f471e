/**
 * The ways a model id can be looked up, most specific first: the id itself, then the id with one more leading
 * `segment/` removed each time. `openrouter/google/gemma-3n-e4b-it:free` gives
 * `["openrouter/google/gemma-3n-e4b-it:free", "google/gemma-3n-e4b-it:free", "gemma-3n-e4b-it:free"]`.
 *
 * Suffixes such as `:free` stay: a `:free` variant and its paid original have different prices, and in local
 * runners' ids (`qwen3:8b`, `qwen3:32b`) the suffix names a different model.
 */
export function modelIdForms(model: string): string[] {
  const segments = model.split("/");
  const forms: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const form = segments.slice(i).join("/");
    if (form !== "" && !forms.includes(form)) forms.push(form);
  }
  return forms;
}

/**
 * The segments before the last `/` of `model`, each with the index of the first {@link modelIdForms} entry
 * that follows it: for `openrouter/google/x`, `[["openrouter", 1], ["google", 2]]`.
 */
export function modelIdPrefixes(model: string): [segment: string, nextForm: number][] {
  const segments = model.split("/");
  const prefixes: [string, number][] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i];
    if (segment !== undefined && segment !== "") prefixes.push([segment, i + 1]);
  }
  return prefixes;
}
