// Pricing model calls: Gemini usage blocks as Gemini sent them (thinking tokens, cached tokens), the
// default table's dated prices, image output by token or by size, unknown models, MODEL_PRICES.
import { describe, expect, it } from 'vitest';
import { geminiBillableTokens } from '../../../../src/lib/platform/gemini/billable-tokens.js';
import { openAiBillableTokens } from '../../../../src/lib/platform/openai/billable-tokens.js';
import { parseGeminiEvents } from '../../../../src/lib/platform/gemini/stream-events.js';
import { parseSseStream } from '../../../../src/lib/platform/sse/parse.js';
import type { DoneEvent, GeminiTokenUsage } from '../../../../src/lib/platform/gemini/types.js';
import { addCosts, callCostUsd, findPrice, priceCall } from '../../../../src/lib/platform/pricing/cost.js';
import { parsePriceTable } from '../../../../src/lib/platform/pricing/price-setting.js';
import { callPricer } from '../../../../src/lib/platform/pricing/pricer.js';
import { DEFAULT_PRICE_TABLE, type ModelPrice } from '../../../../src/lib/platform/pricing/price-table.js';

/** The usage Gemini's stream parser makes of one `usageMetadata` block, sent as an SSE event. */
async function parsedUsage(usageMetadata: object): Promise<GeminiTokenUsage> {
  const chunk = {
    candidates: [{ content: { role: 'model', parts: [{ text: 'x' }] }, finishReason: 'STOP' }],
    usageMetadata,
  };
  async function* body(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  }
  let done: DoneEvent | undefined;
  for await (const event of parseGeminiEvents(parseSseStream(body()))) if (event.type === 'done') done = event;
  return done!.usage!;
}

const FLASH: ModelPrice = { input: 0.75, cachedInput: 0.075, output: 3.75 };

describe('Gemini usage blocks, priced', () => {
  it('bills thinking tokens as output: a gemini-2.5-flash reply with 540 thought tokens (langchain-google#1053)', async () => {
    // As reported (python SDK names there; the REST names here): total = prompt + candidates + thoughts.
    const usage = await parsedUsage({
      promptTokenCount: 4,
      candidatesTokenCount: 15,
      thoughtsTokenCount: 540,
      totalTokenCount: 559,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }],
      candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 15 }],
    });
    expect(usage).toMatchObject({ promptTokenCount: 4, candidatesTokenCount: 15, thoughtsTokenCount: 540 });
    const tokens = geminiBillableTokens(usage);
    expect(tokens).toEqual({ input: 4, cachedInput: 0, output: 555 });
    // 4 x 0.75 + 555 x 3.75 per million = 0.002084 USD; without the thoughts it would be 0.000059.
    expect(callCostUsd(FLASH, tokens, { cacheDiscount: true })).toBe(0.002084);
  });

  it('bills thinking and image input of a multimodal prompt (python-genai#795)', async () => {
    const usage = await parsedUsage({
      promptTokenCount: 4583,
      candidatesTokenCount: 325,
      thoughtsTokenCount: 874,
      totalTokenCount: 5782,
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 2777 },
        { modality: 'IMAGE', tokenCount: 1806 },
      ],
      candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 325 }],
      cacheTokensDetails: [
        { modality: 'TEXT', tokenCount: 1240 },
        { modality: 'IMAGE', tokenCount: 807 },
      ],
    });
    const tokens = geminiBillableTokens(usage);
    expect(tokens).toEqual({ input: 4583, cachedInput: 0, output: 1199 });
    expect(tokens.input + tokens.output).toBe(5782); // the reported total, every token billed once
    expect(callCostUsd(FLASH, tokens, { cacheDiscount: true })).toBe(0.007934); // 3437.25 + 4496.25 micro-USD
  });

  it('bills cached tokens at the cache price only where the discount may be shown (litellm#10667)', async () => {
    // The block as posted (it ends after cacheTokensDetails; its total implies 144 thought tokens the
    // excerpt does not show, so none are assumed here).
    const usage = await parsedUsage({
      promptTokenCount: 19588,
      candidatesTokenCount: 69,
      totalTokenCount: 19801,
      cachedContentTokenCount: 18403,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 19588 }],
    });
    expect(usage.cachedContentTokenCount).toBe(18403);
    const tokens = geminiBillableTokens(usage);
    expect(tokens).toEqual({ input: 19588, cachedInput: 18403, output: 69 });
    // Exact: 1185 x 0.75 + 18403 x 0.075 + 69 x 3.75 = 2527.725 micro-USD.
    expect(callCostUsd(FLASH, tokens, { cacheDiscount: true })).toBe(0.002528);
    // Shown to callers: every prompt token at the input price (an upper bound that reveals no cache hit).
    expect(callCostUsd(FLASH, tokens, { cacheDiscount: false })).toBe(0.01495); // 14691 + 258.75
    // A model without a cache price bills cached tokens as input.
    expect(callCostUsd({ input: 1, output: 1 }, tokens, { cacheDiscount: true })).toBe(0.019657);
  });

  it('bills tool-use prompt tokens as input', async () => {
    const usage = await parsedUsage({
      promptTokenCount: 100,
      toolUsePromptTokenCount: 900,
      candidatesTokenCount: 10,
      totalTokenCount: 1010,
    });
    expect(geminiBillableTokens(usage)).toEqual({ input: 1000, cachedInput: 0, output: 10 });
  });
});

describe('OpenAI-compatible usage, priced', () => {
  it('bills completion_tokens as output once: they already hold the reasoning tokens', () => {
    const tokens = openAiBillableTokens({
      prompt_tokens: 3,
      completion_tokens: 9,
      total_tokens: 12,
      reasoning_tokens: 5,
    });
    expect(tokens).toEqual({ input: 3, cachedInput: 0, output: 9 });
    expect(tokens.input + tokens.output).toBe(12);
  });
});

describe('image output', () => {
  const flashImage = findPrice(DEFAULT_PRICE_TABLE, 'gemini-3.1-flash-image', '2026-12-07')!;

  it('prices image tokens apart when the response breaks its output down', async () => {
    // A 1K image is 1,120 image tokens at $60 per million: $0.0672 (Google lists "$0.067 per 1K image").
    const usage = await parsedUsage({
      promptTokenCount: 12,
      candidatesTokenCount: 1120 + 30,
      thoughtsTokenCount: 100,
      totalTokenCount: 1262,
      candidatesTokensDetails: [
        { modality: 'TEXT', tokenCount: 30 },
        { modality: 'IMAGE', tokenCount: 1120 },
      ],
    });
    expect(usage.imageOutputTokenCount).toBe(1120);
    const tokens = geminiBillableTokens(usage, { count: 1, size: '1K' });
    expect(tokens).toMatchObject({ output: 130, imageOutput: 1120 });
    // 12 x 0.25 + 130 x 1.5 + 1120 x 60 micro-USD
    expect(callCostUsd(flashImage, tokens, { cacheDiscount: false })).toBe(0.067398);
  });

  it('prices an image by its size when the output is not broken down, without billing its tokens twice', () => {
    const usage: GeminiTokenUsage = { promptTokenCount: 12, candidatesTokenCount: 1680 + 20, totalTokenCount: 1712 };
    const tokens = geminiBillableTokens(usage, { count: 1, size: '2K' });
    expect(tokens).toEqual({ input: 12, cachedInput: 0, output: 1700, images: { count: 1, size: '2K' } });
    // $0.101 for the 2K image; of the 1,700 output tokens, 1,683.3 are its tokens ($0.101 / $60 per M).
    expect(callCostUsd(flashImage, tokens, { cacheDiscount: false })).toBe(0.101028);
  });
});

describe('the price table', () => {
  it('takes a dated price from its day: the 2026 Flash promotion ends on 1 January 2027', () => {
    expect(findPrice(DEFAULT_PRICE_TABLE, 'gemini-3.8-flash', '2026-12-31')).toMatchObject({ input: 0.75 });
    expect(findPrice(DEFAULT_PRICE_TABLE, 'gemini-3.8-flash', '2027-01-01')).toMatchObject({ input: 1.5, output: 7.5 });
    const clock = () => Date.parse('2027-03-01T12:00:00Z');
    expect(
      callPricer(DEFAULT_PRICE_TABLE, clock).costUsd(['gemini-3.8-flash'], { input: 1e6, cachedInput: 0, output: 0 }),
    ).toBe(1.5);
  });

  it('matches models by family and prices by the model that answered first, then the one asked for', () => {
    expect(findPrice(DEFAULT_PRICE_TABLE, 'models/gemini-3-pro-image-preview', '2026-12-07')).toMatchObject({
      imageOutput: 120,
    });
    const tokens = { input: 1e6, cachedInput: 0, output: 0 };
    expect(
      priceCall(DEFAULT_PRICE_TABLE, ['gemini-3.8-flash-001', 'x'], tokens, '2026-12-07', { cacheDiscount: false }),
    ).toBe(0.75);
    expect(
      priceCall(DEFAULT_PRICE_TABLE, [undefined, 'gemini-flash-latest'], tokens, '2026-12-07', {
        cacheDiscount: false,
      }),
    ).toBe(0.75);
  });

  it('answers null (unknown, not free) for a model it has no price for, and a sum with an unknown part is unknown', () => {
    const tokens = { input: 100, cachedInput: 0, output: 100 };
    expect(
      priceCall(DEFAULT_PRICE_TABLE, ['llama-3.3-70b', undefined], tokens, '2026-12-07', { cacheDiscount: false }),
    ).toBeNull();
    expect(addCosts(0.1, 0.2)).toBe(0.3);
    expect(addCosts(undefined, 0.2)).toBe(0.2);
    expect(addCosts(0.1, null)).toBeNull();
    expect(addCosts(null, undefined)).toBeNull();
  });

  it('MODEL_PRICES adds, replaces and removes entries; text it cannot use leaves the defaults and says why', () => {
    const { table, problem } = parsePriceTable(
      JSON.stringify({
        'llama-3.3-70b': { input: 0.6, output: 0.6 },
        'gemini-3.8-flash': [
          { from: '2027-01-01', input: 2, output: 8 },
          { input: 1, output: 4 },
        ],
        'gemini-flash-latest': null,
      }),
    );
    expect(problem).toBeUndefined();
    expect(findPrice(table, 'llama-3.3-70b', '2026-12-07')).toEqual({ input: 0.6, output: 0.6 });
    expect(findPrice(table, 'gemini-3.8-flash', '2026-12-07')).toMatchObject({ input: 1 }); // sorted by date
    expect(findPrice(table, 'gemini-3.8-flash', '2027-02-01')).toMatchObject({ input: 2 });
    expect(findPrice(table, 'gemini-flash-latest', '2026-12-07')).toBeUndefined();
    expect(findPrice(table, 'gemini-3.1-flash-image', '2026-12-07')).toMatchObject({ imageOutput: 60 });

    for (const [text, why] of [
      ['{not json', /not JSON/],
      ['{"m": {"input": -1, "output": 1}}', /MODEL_PRICES: m/],
      ['{"m": {"input": 1}}', /MODEL_PRICES: m/],
      ['{"m": {"input": 1, "output": 1, "image": {"8K": 1}}}', /image/],
      ['{"m": {"input": 1, "output": 1, "from": "soon"}}', /from/],
      ['[1]', /top|expected/i],
    ] as const) {
      const parsed = parsePriceTable(text);
      expect(parsed.table).toBe(DEFAULT_PRICE_TABLE);
      expect(parsed.problem).toMatch(why);
    }
    expect(parsePriceTable('  ')).toEqual({ table: DEFAULT_PRICE_TABLE });
  });
});
