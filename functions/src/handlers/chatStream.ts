// POST /chatStream — the assistant reply streamed as SSE. Provisional schema until the chat feature lands.
import { z } from 'zod';
import { defineEndpoint } from '../lib/http/index.js';
import { CHAT_LIMIT } from './rate-limits.js';
import { notImplemented } from './not-implemented.js';

export const chatStreamBody = z.object({
  conversationId: z.string().min(1).max(128).optional(),
  message: z.string().trim().min(1).max(4000),
});

export const chatStreamHandler = defineEndpoint({
  name: 'chatStream',
  method: 'POST',
  body: chatStreamBody,
  rateLimit: CHAT_LIMIT,
  handle: () => notImplemented('chatStream'),
});
