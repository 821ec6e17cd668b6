// The incremental JSON parser: same values as JSON.parse under any chunking; streamed strings
// come out decoded, in slices, and are left out of the built value; invalid JSON is rejected.
import { describe, expect, it } from 'vitest';
import {
  JsonStreamParser,
  JsonSyntaxError,
  type JsonPath,
} from '../../../../src/lib/platform/gemini/json-stream-parser.js';
import { prng } from '../sse/support.js';

interface Outcome {
  value: unknown;
  streamed: Array<{ path: JsonPath; text: string; chunks: number }>;
  closed: string[];
}

function parseChunks(chunks: string[], streamPath?: (path: JsonPath) => boolean): Outcome {
  const streamed: Outcome['streamed'] = [];
  const closed: string[] = [];
  const parser = new JsonStreamParser({
    streamString: (path) => streamPath?.(path) ?? false,
    onStringStart: (path) => streamed.push({ path: [...path], text: '', chunks: 0 }),
    onStringChunk: (chunk) => {
      expect(chunk.length).toBeGreaterThan(0);
      const current = streamed[streamed.length - 1];
      current.text += chunk;
      current.chunks++;
    },
    onContainerEnd: (path) => closed.push(path.join('.')),
  });
  for (const chunk of chunks) parser.write(chunk);
  return { value: parser.end(), streamed, closed };
}

function splits(text: string, random: () => number, randomRuns: number): string[][] {
  const out: string[][] = [[text]];
  for (let cut = 0; cut <= text.length; cut++) out.push([text.slice(0, cut), text.slice(cut)]);
  for (let run = 0; run < randomRuns; run++) {
    const parts: string[] = [];
    for (let i = 0; i < text.length;) {
      const size = 1 + Math.floor(random() * 7);
      parts.push(text.slice(i, i + size));
      i += size;
    }
    out.push(parts);
  }
  return out;
}

const corpus = [
  '{}',
  '[]',
  '  {"a" : 1 , "b":[true,false,null], "c":{"d":[]}}  ',
  '[-0, 1.5e+10, -2E-3, 123456789012, 0.25]',
  '{"s":"plain","e":"q\\"b\\\\s\\/n\\nt\\tu\\u00e9\\ud83d\\ude00","k\\u0041":"v"}',
  '"just a string"',
  '42',
  'true',
  '{"__proto__":{"polluted":true},"x":[{"y":[[1],[2,[3]]]}]}',
  '{"candidates":[{"content":{"parts":[{"text":"héllo € 😀"}],"role":"model"},"index":0}]}',
];

/** Random JSON values (seeded) for property testing against JSON.parse. */
function randomValue(random: () => number, depth: number): unknown {
  const pick = random();
  if (depth > 3 || pick < 0.3) {
    const kinds = [
      () => random() * 1e6 - 5e5,
      () => Math.floor(random() * 100),
      () => random() < 0.5,
      () => null,
      () => randomText(random),
    ];
    return kinds[Math.floor(random() * kinds.length)]();
  }
  if (pick < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 4); i > 0; i--) object[randomText(random)] = randomValue(random, depth + 1);
  return object;
}

function randomText(random: () => number): string {
  const alphabet = ['a', 'Z', '"', '\\', '/', '\n', '\t', 'é', '😀', ' ', '\u0001', '\u2028'];
  return Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
    '',
  );
}

describe('JsonStreamParser builds what JSON.parse builds', () => {
  it('for a corpus, under every 2-way split and random chunkings', () => {
    const random = prng(7);
    for (const text of corpus) {
      const expected: unknown = JSON.parse(text);
      for (const chunks of splits(text, random, 30)) {
        expect(parseChunks(chunks).value, JSON.stringify(chunks)).toEqual(expected);
      }
    }
  });

  it('keeps "__proto__" as an own property, like JSON.parse', () => {
    const value = parseChunks(['{"__proto__":{"polluted":true}}']).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('for random documents (seeded property test)', () => {
    const random = prng(11);
    for (let run = 0; run < 300; run++) {
      const text = JSON.stringify(randomValue(random, 0), null, random() < 0.3 ? 2 : undefined);
      const chunks = splits(text, random, 1).slice(-1)[0];
      expect(parseChunks(chunks).value, text).toEqual(JSON.parse(text));
    }
  });
});

describe('streamed strings', () => {
  const dataPath = (path: JsonPath) => path.length === 3 && path[0] === 'parts' && path[2] === 'data';

  it('decode escapes (\\/ included) at every split position and stay out of the built value', () => {
    const payload = 'iVBOR/w0+KGgo\\/AAA\\"x\\\\y\\u00e9\\nz/';
    const text = `{"parts":[{"mimeType":"image/png","data":"${payload}","after":1},{"data":"second"}],"tail":true}`;
    const decoded = JSON.parse(`"${payload}"`) as string;
    const random = prng(3);
    for (const chunks of splits(text, random, 60)) {
      const outcome = parseChunks(chunks, dataPath);
      expect(outcome.streamed.map((s) => s.text)).toEqual([decoded, 'second']);
      expect(outcome.streamed.map((s) => s.path)).toEqual([
        ['parts', 0, 'data'],
        ['parts', 1, 'data'],
      ]);
      expect(outcome.value).toEqual({ parts: [{ mimeType: 'image/png', after: 1 }, {}], tail: true });
      expect(outcome.closed).toEqual(['parts.0', 'parts.1', 'parts', '']);
    }
  });

  it('hands out one slice per write on the no-escape fast path', () => {
    const base64 = 'A'.repeat(3000);
    const text = `{"parts":[{"data":"${base64}"}]}`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 1000) chunks.push(text.slice(i, i + 1000));
    const [streamed] = parseChunks(chunks, dataPath).streamed;
    expect(streamed.text).toBe(base64);
    expect(streamed.chunks).toBe(4); // the string spans 4 writes
  });

  it('lets a hook see keys that came before the string', () => {
    const seen: unknown[] = [];
    const parser = new JsonStreamParser({
      streamString: dataPath,
      onStringStart: (_path, containers) => seen.push({ ...(containers[containers.length - 1] as object) }),
      onStringChunk: () => undefined,
    });
    parser.write('{"parts":[{"mimeType":"image/webp","data":"UklGR');
    parser.write('"}]}');
    expect(parser.end()).toEqual({ parts: [{ mimeType: 'image/webp' }] });
    expect(seen).toEqual([{ mimeType: 'image/webp' }]);
  });
});

describe('invalid JSON is rejected with JsonSyntaxError', () => {
  const invalid = [
    '',
    '{',
    '{"a":1,}',
    '[1,]',
    '{"a" 1}',
    '{"a":1}}',
    '{"a":1} x',
    '[1 2]',
    '{"a":tru}',
    '{"a":01}',
    '{"a":"\\x"}',
    '{"a":[}',
    '{a:1}',
    '{"parts":[{"data":"AB\\q"}]}',
    '{"parts":[{"data":"AB\\u12G4"}]}',
    '{"parts":[{"data":"unterminated',
  ];
  for (const text of invalid) {
    it(JSON.stringify(text), () => {
      const random = prng(5);
      for (const chunks of splits(text, random, 5)) {
        expect(() => parseChunks(chunks, (path) => path[2] === 'data')).toThrow(JsonSyntaxError);
      }
    });
  }
});
