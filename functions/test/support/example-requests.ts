// One valid request per exported function, for tests that call every function the same way (through
// the Functions emulator or mounted in-process). editImage carries its image inline, so no URL fetch.

/** A valid 1x1 PNG. */
export const ONE_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

export const EXAMPLE_REQUESTS = {
  chatMessage: { method: 'POST', body: { message: 'hello' } },
  chatStream: { method: 'POST', body: { message: 'hello' } },
  matchUsers: { method: 'POST', body: { limit: 5 } },
  matchEvents: { method: 'POST', body: { limit: 5 } },
  suggestions: { method: 'GET', body: undefined },
  generateImage: { method: 'POST', body: { prompt: 'a lighthouse at dusk', aspectRatio: '1:1' } },
  editImage: { method: 'POST', body: { image: `data:image/png;base64,${ONE_PIXEL_PNG}`, editPrompt: 'make it snow' } },
} as const;

export type FunctionName = keyof typeof EXAMPLE_REQUESTS;
export const FUNCTION_NAMES = Object.keys(EXAMPLE_REQUESTS) as FunctionName[];
