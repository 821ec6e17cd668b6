// What a model call that never reported usage (cut off by the client or a deadline, or a server that
// reports none) is charged for its prompt: about 4 characters per token, as Gemini and the common
// open tokenizers count English text. A server keeps generating after the cut, so callers add the
// call's output cap.
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}
