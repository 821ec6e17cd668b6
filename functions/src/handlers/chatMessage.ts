// POST /chatMessage — one assistant reply as JSON. Provisional schema until the chat feature lands.
import { z } from 'zod';
import { defineEndpoint } from '../lib/http/index.js';
import { CHAT_LIMIT } from './rate-limits.js';
import { notImplemented } from './not-implemented.js';

export const chatMessageBody = z.object({
  conversationId: z.string().min(1).max(128).optional(),
  message: z.string().trim().min(1).max(4000),
});

export const chatMessageHandler = defineEndpoint({
  name: 'chatMessage',
  method: 'POST',
  body: chatMessageBody,
  rateLimit: CHAT_LIMIT,
  handle: () => notImplemented('chatMessage'),
});
