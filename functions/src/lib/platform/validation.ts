// How input is checked: schemas are written with zod's functional build (`zod/mini`), and every parse
// goes through `check` here. Why mini: a function's bundle keeps only the checks its schemas use,
// where the chaining `zod` API carries the whole library into every cold start (about 40 ms of module
// load, docs/cold-start.md). Issues read in zod's English messages, set once on load of this module.
import { config, locales, safeParse, type core } from 'zod/mini';

config(locales.en());

/** The schema's output, or its issues (paths and English messages). Takes any zod 4 schema. */
export function check<S extends core.$ZodType>(schema: S, value: unknown): core.util.SafeParseResult<core.output<S>> {
  return safeParse(schema, value);
}
