// Model names are configuration, and providers ship a family under several ids (`-preview`, dated
// versions, a `models/` resource prefix): settings keyed by model (timeouts, capabilities, prices) are
// matched by family.

/** A model name as configured, compared without case and without a `models/` resource prefix. */
function bareModelName(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/^(models\/|publishers\/google\/models\/)/, '');
}

/**
 * The entry of `families` that names `model`'s family: the model itself, or the longest entry it
 * extends with a `-suffix` (`gemini-3-pro-image-preview`, `gemini-3-pro-image-2026-01` are both
 * `gemini-3-pro-image`). Undefined when none does.
 */
export function matchModelFamily(model: string, families: Iterable<string>): string | undefined {
  const name = bareModelName(model);
  let best: string | undefined;
  for (const family of families) {
    const bare = bareModelName(family);
    if (name !== bare && !name.startsWith(`${bare}-`)) continue;
    if (best === undefined || bare.length > bareModelName(best).length) best = family;
  }
  return best;
}
