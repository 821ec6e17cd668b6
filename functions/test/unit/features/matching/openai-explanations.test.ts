// Match explanations on an OpenAI-compatible server: one streamed call, the schema asked for with
// response_format json_schema where the server takes it, JSON in the text where it does not (read
// defensively), and the billed tokens reported either way.
import { describe, expect, it } from 'vitest';
import { openAiExplanationModel } from '../../../../src/lib/features/matching/explain/openai-model.js';
import { parseExplanations, responseSchema } from '../../../../src/lib/features/matching/explain/prompt.js';
import { OpenAiApiError } from '../../../../src/lib/platform/openai/errors.js';
import type { ChatCompletionRequest } from '../../../../src/lib/platform/openai/request-body.js';
import type { OpenAiTransport } from '../../../../src/lib/platform/openai/streaming-client.js';

type Reply = { text: string; usage?: number } | { reject: unknown };

function scripted(...replies: Reply[]): OpenAiTransport & { requests: ChatCompletionRequest[] } {
  const requests: ChatCompletionRequest[] = [];
  return {
    requests,
    fetch: async ({ request }) => {
      requests.push(structuredClone(request));
      const next = replies.shift();
      if (!next) throw new Error('no scripted reply left');
      if ('reject' in next) throw next.reject;
      const pieces = [next.text.slice(0, 5), next.text.slice(5)].map((content) => ({
        choices: [{ index: 0, delta: { content } }],
      }));
      const events = [
        ...pieces,
        { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        ...(next.usage
          ? [
              {
                choices: [],
                usage: { prompt_tokens: next.usage - 10, completion_tokens: 10, total_tokens: next.usage },
              },
            ]
          : []),
      ];
      async function* body(): AsyncGenerator<Uint8Array> {
        for (const event of events) yield Buffer.from(`data: ${JSON.stringify(event)}\n\n`);
        yield Buffer.from('data: [DONE]\n\n');
      }
      return { status: 200, headers: new Headers(), body: body() };
    },
  };
}

function call(model: ReturnType<typeof openAiExplanationModel>, billed: number[], name = 'm') {
  return model({
    model: name,
    systemInstruction: 'Explain.',
    prompt: 'Explain each of these 2 matches.',
    schema: responseSchema(['m1', 'm2']),
    temperature: 0.2,
    maxOutputTokens: 150,
    signal: new AbortController().signal,
    onUsage: (usage) => void billed.push(usage.totalTokens),
  });
}

describe('openAiExplanationModel', () => {
  it('asks for the schema with response_format json_schema and reports the usage', async () => {
    const transport = scripted({ text: '{"m1":"You both like jazz.","m2":"Close by."}', usage: 321 });
    const billed: number[] = [];
    const text = await call(openAiExplanationModel(transport), billed);
    expect(parseExplanations(text, ['m1', 'm2']).get('m2')).toBe('Close by.');
    expect(transport.requests[0]).toMatchObject({
      stream: true,
      max_tokens: 150,
      messages: [{ role: 'system', content: 'Explain.' }, { role: 'user' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'match_explanations', schema: { required: ['m1', 'm2'] } },
      },
    });
    expect(billed).toEqual([321]);
  });

  it('a server that refuses response_format is asked again without it, and never again with it', async () => {
    const refusal = new OpenAiApiError({ status: 400, message: "Unrecognized request argument: 'response_format'" });
    const transport = scripted(
      { reject: refusal },
      { text: 'Sure! ```json\n{"m1":"You both like jazz.","m2":"Close by."}\n```' },
      { text: '{"m1":"a","m2":"b"}' },
    );
    const model = openAiExplanationModel(transport);
    const billed: number[] = [];
    const text = await call(model, billed);
    expect(parseExplanations(text, ['m1', 'm2']).get('m1')).toBe('You both like jazz.');
    await call(model, billed);
    expect(transport.requests.map((request) => 'response_format' in request)).toEqual([true, false, false]);
    // No usage from this server: an estimate from what was sent and written, never zero.
    expect(billed.every((tokens) => tokens > 0)).toBe(true);
  });

  it('a 5xx is not taken for a refusal of the field: it fails (templates stand in)', async () => {
    const transport = scripted({ reject: new OpenAiApiError({ status: 503 }) });
    await expect(call(openAiExplanationModel(transport), [], 'other')).rejects.toMatchObject({ status: 503 });
    expect(transport.requests).toHaveLength(1);
  });
});

describe('parseExplanations, defensively', () => {
  it('reads the JSON object inside a fence or a sentence; nothing from text without one', () => {
    expect(parseExplanations('Here you go: {"m1": "Hi."} Enjoy!', ['m1']).get('m1')).toBe('Hi.');
    expect(parseExplanations('```json\n{"m1":"Hi."}\n```', ['m1']).get('m1')).toBe('Hi.');
    expect(parseExplanations('I cannot help with that.', ['m1']).size).toBe(0);
    expect(parseExplanations('{"m1": "unterminated', ['m1']).size).toBe(0);
  });
});
