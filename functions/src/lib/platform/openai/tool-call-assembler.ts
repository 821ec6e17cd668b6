// Puts streamed tool calls together. The common shape: the first fragment of a call carries
// `{index, id, type, function: {name, arguments: ""}}`, later ones only `{index, function: {arguments:
// "<piece>"}}`, concatenated per index. Variants seen in the wild, all handled:
//   - Ollama sends each call whole in one chunk (id, name and all the arguments at once);
//   - some servers reuse index 0 for parallel calls: a fragment whose id differs from the call open at
//     its index starts a new call (so calls are keyed by index AND id);
//   - a fragment without an index continues the last call, or starts the first;
//   - `arguments` sent as a JSON object rather than text.
// Calls are handed out when the response says it is finished (finish_reason) or the stream ends:
// only then are a call's arguments known to be whole.

export interface AssembledToolCall {
  /** The server's id; undefined when it sent none (the chat backend then makes one). */
  id?: string;
  name: string;
  /** The parsed arguments: {} when none were sent, the raw text when it is not JSON. */
  args: unknown;
}

interface OpenCall {
  index: number;
  id?: string;
  name: string;
  argumentText: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class ToolCallAssembler {
  private calls: OpenCall[] = [];

  get pending(): boolean {
    return this.calls.length > 0;
  }

  /** One element of a chunk's `delta.tool_calls`. */
  add(fragment: unknown): void {
    if (!isRecord(fragment)) return;
    const fn = isRecord(fragment.function) ? fragment.function : {};
    const id = typeof fragment.id === 'string' && fragment.id !== '' ? fragment.id : undefined;
    const last = this.calls[this.calls.length - 1];
    const index = typeof fragment.index === 'number' ? fragment.index : (last?.index ?? 0);
    let call = this.openAt(index);
    if (!call || (id !== undefined && call.id !== undefined && call.id !== id)) {
      call = { index, name: '', argumentText: '' };
      this.calls.push(call);
    }
    if (id !== undefined && call.id === undefined) call.id = id;
    // The name comes once; a server that repeats it on every fragment must not get it doubled.
    if (typeof fn.name === 'string' && call.name === '') call.name = fn.name;
    if (typeof fn.arguments === 'string') call.argumentText += fn.arguments;
    else if (isRecord(fn.arguments)) call.argumentText += JSON.stringify(fn.arguments);
  }

  /** Every call put together so far, in the order they started; the assembler is empty afterwards. */
  take(): AssembledToolCall[] {
    const calls = this.calls;
    this.calls = [];
    return calls.map((call) => ({
      ...(call.id !== undefined ? { id: call.id } : {}),
      name: call.name,
      args: parseArguments(call.argumentText),
    }));
  }

  /** The latest call at this index (a reused index starts a new call only with a new id). */
  private openAt(index: number): OpenCall | undefined {
    for (let i = this.calls.length - 1; i >= 0; i--) if (this.calls[i].index === index) return this.calls[i];
    return undefined;
  }
}

/** Arguments are JSON text; what does not parse is passed on as text, and the tool's check refuses it. */
function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
