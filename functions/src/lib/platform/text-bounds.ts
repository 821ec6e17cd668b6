// Cutting user text to a bound without breaking it. JavaScript strings are UTF-16: a cut between the
// two halves of a surrogate pair (an emoji, say) leaves a lone surrogate, which is ill-formed text
// that Firestore refuses and Gemini's JSON cannot carry.

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The first `maxLength` code units of `text`, never ending in half of a surrogate pair. */
export function codePointPrefix(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const end = maxLength > 0 && isHighSurrogate(text.charCodeAt(maxLength - 1)) ? maxLength - 1 : maxLength;
  return text.slice(0, end);
}
