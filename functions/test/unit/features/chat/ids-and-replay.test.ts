import { describe, expect, it } from 'vitest';
import { turnIds } from '../../../../src/lib/features/chat/ids.js';
import { splitForReplay } from '../../../../src/lib/features/chat/replay.js';
import { previewOf } from '../../../../src/lib/features/chat/store.js';

describe('turnIds', () => {
  it('derives the same ids (conversation included) for the same uid and clientMessageId', () => {
    const a = turnIds('u1', undefined, 'msg-1');
    expect(turnIds('u1', undefined, 'msg-1')).toEqual(a);
    expect(a.newConversation).toBe(true);
    expect(a.userMessageId).not.toBe(a.assistantMessageId);
    expect(turnIds('u2', undefined, 'msg-1').conversationId).not.toBe(a.conversationId);
    expect(turnIds('u1', undefined, 'msg-2').userMessageId).not.toBe(a.userMessageId);
  });

  it('keeps a given conversation id and is random without a clientMessageId', () => {
    const given = turnIds('u1', 'conv-9', 'msg-1');
    expect(given).toMatchObject({ conversationId: 'conv-9', newConversation: false });
    expect(turnIds('u1', 'conv-9', undefined).userMessageId).not.toBe(turnIds('u1', 'conv-9', undefined).userMessageId);
    for (const id of Object.values(turnIds('u1', undefined, 'x/y'))) {
      if (typeof id === 'string') expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });
});

describe('splitForReplay', () => {
  it('joins back to the exact text, in bounded pieces, keeping surrogate pairs whole', () => {
    const text = `${'word '.repeat(40)}😀😀😀 ${'x'.repeat(120)}`;
    const pieces = splitForReplay(text, 16);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(10);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(17);
      expect(/[\ud800-\udbff]$/.test(piece)).toBe(false);
    }
    expect(splitForReplay('')).toEqual([]);
  });
});

describe('previewOf', () => {
  it('flattens whitespace and shortens long text', () => {
    expect(previewOf(' a\n\nb ')).toBe('a b');
    expect(previewOf('y'.repeat(500))).toHaveLength(140);
  });

  it('never cuts an emoji in half (a lone surrogate that Firestore refuses)', () => {
    // 138 letters, then emoji: the cut at 139 code units would fall inside the first emoji's pair.
    const preview = previewOf(`${'y'.repeat(138)}${'😀'.repeat(10)}`);
    expect(preview.isWellFormed()).toBe(true);
    expect(preview).toBe(`${'y'.repeat(138)}…`);
  });
});
