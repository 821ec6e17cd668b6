// The JSON object in a model's answer, read defensively: servers that cannot constrain the output
// (no response_format) often wrap it in a Markdown fence or a sentence. The strict parse is tried first;
// then the text from the first `{` to the last `}`.

export function parseJsonAnswer(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // not bare JSON: look inside
  }
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1)) as unknown;
  } catch {
    return undefined;
  }
}
