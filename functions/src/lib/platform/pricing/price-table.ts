// What a model call costs: a price per model (per million tokens; per image by size for image models),
// possibly changing on a date. The defaults are the Gemini Developer API's list prices (Standard tier,
// paid) for the default models, as read on DEFAULT_PRICES_READ_ON; MODEL_PRICES adds or replaces entries.
// Sources (docs/pricing.md lists them): Google's pricing page as transcribed by third parties, since
// the copy of the page itself could not be read here; an operator should check them against their bill.

/** Sizes Gemini image models output, as `imageConfig.imageSize` names them (512 = "0.5K"). */
export const IMAGE_SIZES = ['512', '1K', '2K', '4K'] as const;
export type PricedImageSize = (typeof IMAGE_SIZES)[number];

/** Prices in USD. Token prices are per 1,000,000 tokens. */
export interface ModelPrice {
  /** Input (prompt) tokens: text, image, video. */
  input: number;
  /** Output tokens, thinking tokens included (Gemini bills thoughts as output). */
  output: number;
  /** Input tokens read from the context cache; absent: billed as `input`. */
  cachedInput?: number;
  /** Image output tokens (image models). */
  imageOutput?: number;
  /** One output image by size: used when a response does not say how many of its tokens are image tokens. */
  image?: Partial<Record<PricedImageSize, number>>;
}

/** A price that applies from a date (UTC, inclusive) until the next entry's. */
export interface DatedPrice extends ModelPrice {
  from?: string;
}

/** Model name (or family: an entry covers ids that extend it with "-suffix") -> its prices over time. */
export type PriceTable = Record<string, DatedPrice[]>;

/** The day the default prices below were read. */
export const DEFAULT_PRICES_READ_ON = '2026-12-07';

const GEMINI_FLASH_2026_PROMOTION: DatedPrice[] = [
  // "$0.75 through December 31, 2026", "$1.50 starting January 1, 2027"; output likewise $3.75 -> $7.50.
  { input: 0.75, cachedInput: 0.075, output: 3.75 },
  { from: '2027-01-01', input: 1.5, cachedInput: 0.15, output: 7.5 },
];

export const DEFAULT_PRICE_TABLE: PriceTable = {
  'gemini-3.8-flash': GEMINI_FLASH_2026_PROMOTION,
  // The alias GEMINI_TEXT_MODEL defaults to pointed at gemini-3.8-flash on the day read. A call is priced
  // by the model Gemini says answered (modelVersion) first, so the alias entry is only the fallback.
  'gemini-flash-latest': GEMINI_FLASH_2026_PROMOTION,
  'gemini-3.1-flash-image': [
    { input: 0.25, output: 1.5, imageOutput: 60, image: { '512': 0.045, '1K': 0.067, '2K': 0.101, '4K': 0.151 } },
  ],
  'gemini-3-pro-image': [{ input: 2, output: 12, imageOutput: 120, image: { '1K': 0.134, '2K': 0.134, '4K': 0.24 } }],
};
