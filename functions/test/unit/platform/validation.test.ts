// Parses go through check(): any zod 4 schema, and issues worded in English (zod/mini alone has no
// messages, only "Invalid input").
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { check } from '../../../src/lib/platform/validation.js';

describe('check', () => {
  it('returns the output of a valid value', () => {
    const schema = z.object({ name: z.string().check(z.trim(), z.minLength(1)) });
    expect(check(schema, { name: '  Ada ' })).toEqual({ success: true, data: { name: 'Ada' } });
  });

  it("words each issue with zod's English messages, at its path", () => {
    const schema = z.object({ name: z.string().check(z.minLength(2)), age: z.int() });
    const result = check(schema, { name: 'A', age: 1.5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.code, issue.message])).toEqual([
      ['name', 'too_small', 'Too small: expected string to have >=2 characters'],
      ['age', 'invalid_type', 'Invalid input: expected int, received number'],
    ]);
  });
});
