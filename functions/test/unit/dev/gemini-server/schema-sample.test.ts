import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sampleFromSchema } from '../../../../dev/gemini-server/schema-sample.js';

describe('sampleFromSchema', () => {
  it('conforms to a zod-generated JSON Schema with refs, nullables, enums and bounds', () => {
    const person = z.object({ name: z.string().min(30).max(40), email: z.email(), born: z.iso.date() });
    const schema = z.object({
      people: z.array(person).min(3).max(4),
      best: person.nullable(),
      ratio: z.number().gt(0).lt(1),
      level: z.int().min(-20).max(-10),
      kind: z.literal('match'),
      mood: z.enum(['a', 'b', 'c']),
      tags: z.array(z.string()).max(1),
      pair: z.tuple([z.string(), z.boolean()]),
    });
    const jsonSchema = z.toJSONSchema(schema, { reused: 'ref' });
    const value = schema.parse(sampleFromSchema(jsonSchema, 'seed'));
    expect(value.people.length).toBeGreaterThanOrEqual(3);
    expect(value.kind).toBe('match');
    expect(value.people[0].name).not.toBe(value.people[1].name);
  });

  it('follows Gemini OpenAPI-style schemas (upper-case types, propertyOrdering)', () => {
    const value = sampleFromSchema(
      {
        type: 'OBJECT',
        properties: {
          score: { type: 'INTEGER', minimum: 90, maximum: 95 },
          ok: { type: 'BOOLEAN' },
          items: { type: 'ARRAY', items: { type: 'STRING', enum: ['x', 'y'] }, minItems: 5 },
        },
        propertyOrdering: ['ok', 'score', 'items'],
        required: ['score'],
      },
      's',
    ) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['ok', 'score', 'items']);
    expect(value.score).toBeGreaterThanOrEqual(90);
    expect(value.score).toBeLessThanOrEqual(95);
    expect(value.items).toHaveLength(5);
    expect((value.items as string[]).every((v) => v === 'x' || v === 'y')).toBe(true);
  });

  it('is deterministic per seed and varies across seeds', () => {
    const schema = {
      type: 'object',
      properties: { n: { type: 'integer' }, b: { type: 'boolean' }, f: { type: 'number' } },
    };
    expect(sampleFromSchema(schema, 'one')).toEqual(sampleFromSchema(schema, 'one'));
    const seen = new Set(['a', 'b', 'c', 'd', 'e'].map((seed) => JSON.stringify(sampleFromSchema(schema, seed))));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('terminates on recursive schemas', () => {
    const schema = {
      $defs: {
        node: {
          type: 'object',
          properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
          required: ['label'],
        },
      },
      $ref: '#/$defs/node',
    };
    const value = sampleFromSchema(schema, 'r') as { label: string };
    expect(value.label).toMatch(/^\[offline model\]/);
  });
});
