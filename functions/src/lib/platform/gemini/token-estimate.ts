// What a Gemini call that never reported usage (cut off by the client or a deadline) is charged for
// its prompt: about 4 characters per token, as Gemini counts English text. Gemini keeps generating
// and billing after the cut, so callers add the call's output cap.
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}
