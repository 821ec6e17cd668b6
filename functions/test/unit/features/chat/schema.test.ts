// The chat request's timeZone: checked against the runtime's zone list, aliases under their listed name.
import { describe, expect, it } from 'vitest';
import { chatRequestBody } from '../../../../src/lib/features/chat/schema.js';

describe('chatRequestBody.timeZone', () => {
  it('keeps listed zones and names aliases by their listed zone', () => {
    expect(chatRequestBody.parse({ message: 'hi', timeZone: 'America/Los_Angeles' }).timeZone).toBe(
      'America/Los_Angeles',
    );
    expect(chatRequestBody.parse({ message: 'hi', timeZone: 'Etc/UTC' }).timeZone).toBe('UTC');
    expect(chatRequestBody.parse({ message: 'hi' }).timeZone).toBeUndefined();
  });

  it('refuses what is not a zone, naming the field', () => {
    for (const timeZone of ['Mars/Olympus_Mons', '+02:00', '', 'x'.repeat(65), 7]) {
      const result = chatRequestBody.safeParse({ message: 'hi', timeZone });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].path).toEqual(['timeZone']);
    }
  });
});
