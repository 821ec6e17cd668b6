import { describe, expect, it } from 'vitest';
import { codePointPrefix } from '../../../src/lib/platform/text-bounds.js';

describe('codePointPrefix', () => {
  it('cuts text on a code point boundary, never inside a surrogate pair', () => {
    expect(codePointPrefix('ab😀cd', 3)).toBe('ab');
    expect(codePointPrefix('ab😀cd', 4)).toBe('ab😀');
    expect(codePointPrefix('short', 10)).toBe('short');
    expect(codePointPrefix('😀', 0)).toBe('');
  });
});
