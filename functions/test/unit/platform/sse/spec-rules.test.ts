// WHATWG event-stream interpretation, table-driven. Every case is delivered whole, split at every
// byte position, byte by byte and in random chunkings, and must always yield the same events.
import { describe, expect, it } from 'vitest';
import { deliveries, parseChunks, utf8, type NormalisedEvent } from './support.js';

interface RuleCase {
  name: string;
  input: string;
  expected: NormalisedEvent[];
}

const cases: RuleCase[] = [
  { name: 'one data line', input: 'data: hello\n\n', expected: [{ data: 'hello' }] },
  { name: 'no space after colon', input: 'data:hello\n\n', expected: [{ data: 'hello' }] },
  { name: 'only ONE leading space is removed', input: 'data:  two\n\n', expected: [{ data: ' two' }] },
  { name: 'tab is not a space', input: 'data:\tx\n\n', expected: [{ data: '\tx' }] },
  { name: 'colon inside the value', input: 'data: a:b: c\n\n', expected: [{ data: 'a:b: c' }] },
  { name: 'multi-line data joined with LF', input: 'data: a\ndata: b\ndata:c\n\n', expected: [{ data: 'a\nb\nc' }] },
  { name: 'empty data line keeps its LF', input: 'data: a\ndata:\n\n', expected: [{ data: 'a\n' }] },
  { name: 'name without colon is an empty value', input: 'data\n\n', expected: [{ data: '' }] },
  { name: '"data:" alone dispatches empty data', input: 'data:\n\n', expected: [{ data: '' }] },
  {
    name: 'block without data dispatches nothing',
    input: 'event: x\nid: 1\n\ndata: y\n\n',
    expected: [{ data: 'y', id: '1' }],
  },
  { name: 'blank lines alone dispatch nothing', input: '\n\n\r\n\r\r\n', expected: [] },
  { name: 'comments are ignored', input: ': ping\n:\ndata: a\n: mid\ndata: b\n\n', expected: [{ data: 'a\nb' }] },
  {
    name: 'unknown fields are ignored',
    input: 'foo: bar\nDATA: no\ndata : no\nretryx: 1\ndata: y\n\n',
    expected: [{ data: 'y' }],
  },
  {
    name: 'event type applies to one dispatch',
    input: 'event: add\ndata: 1\n\ndata: 2\n\n',
    expected: [{ data: '1', event: 'add' }, { data: '2' }],
  },
  { name: 'empty event type is the default', input: 'event:\ndata: 1\n\n', expected: [{ data: '1' }] },
  {
    name: 'last event type line wins',
    input: 'event: a\nevent: b\ndata: 1\n\n',
    expected: [{ data: '1', event: 'b' }],
  },
  {
    name: 'event type of a block without data is dropped',
    input: 'event: lost\n\ndata: 1\n\n',
    expected: [{ data: '1' }],
  },
  {
    name: 'id persists to later events',
    input: 'id: 7\ndata: a\n\ndata: b\n\n',
    expected: [
      { data: 'a', id: '7' },
      { data: 'b', id: '7' },
    ],
  },
  {
    name: 'empty id resets it',
    input: 'id: 7\ndata: a\n\nid\ndata: b\n\n',
    expected: [{ data: 'a', id: '7' }, { data: 'b' }],
  },
  {
    name: 'id containing NUL is ignored',
    input: 'id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n',
    expected: [
      { data: 'a', id: '1' },
      { data: 'b', id: '1' },
    ],
  },
  {
    name: 'id set by a block without data still persists',
    input: 'id: 9\n\ndata: a\n\n',
    expected: [{ data: 'a', id: '9' }],
  },
  {
    name: 'retry with digits',
    input: 'retry: 2500\ndata: a\n\ndata: b\n\n',
    expected: [
      { data: 'a', retry: 2500 },
      { data: 'b', retry: 2500 },
    ],
  },
  {
    name: 'retry not all digits is ignored',
    input: 'retry: 10a\ndata: a\n\nretry: -1\nretry: 1.5\nretry:\nretry: 1 \ndata: b\n\n',
    expected: [{ data: 'a' }, { data: 'b' }],
  },
  { name: 'retry without the space', input: 'retry:15\ndata: a\n\n', expected: [{ data: 'a', retry: 15 }] },
  { name: 'CR line ends', input: 'data: a\rdata: b\r\rdata: c\r\r', expected: [{ data: 'a\nb' }, { data: 'c' }] },
  {
    name: 'CRLF line ends (Gemini framing)',
    input: 'data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\n',
    expected: [{ data: '{"a":1}' }, { data: '{"b":2}' }],
  },
  { name: 'CRLF inside a multi-line block', input: 'data: a\r\ndata: b\r\n\r\n', expected: [{ data: 'a\nb' }] },
  {
    name: 'mixed line ends',
    input: 'data: a\r\ndata: b\rdata: c\n\r\ndata: d\n\r',
    expected: [{ data: 'a\nb\nc' }, { data: 'd' }],
  },
  { name: 'LF CR is two line ends', input: 'data: a\n\rdata: b\n\n', expected: [{ data: 'a' }, { data: 'b' }] },
  { name: 'unterminated final block is discarded', input: 'data: a\n\ndata: b\n', expected: [{ data: 'a' }] },
  { name: 'unterminated final line is discarded', input: 'data: a\n\ndata: b', expected: [{ data: 'a' }] },
  { name: 'final block ended by CR only', input: 'data: a\r\r', expected: [{ data: 'a' }] },
  { name: 'leading BOM is stripped', input: '\uFEFFdata: a\n\n', expected: [{ data: 'a' }] },
  { name: 'only one leading BOM is stripped', input: '\uFEFF\uFEFFdata: a\n\ndata: b\n\n', expected: [{ data: 'b' }] },
  { name: 'BOM inside data is kept', input: 'data: \uFEFFx\n\n', expected: [{ data: '\uFEFFx' }] },
  { name: 'multibyte UTF-8', input: 'data: héllo € 😀 中文\n\n', expected: [{ data: 'héllo € 😀 中文' }] },
  { name: 'NUL inside data is kept', input: 'data: a\u0000b\n\n', expected: [{ data: 'a\u0000b' }] },
  {
    name: '[DONE] is ordinary data by default',
    input: 'data: [DONE]\n\ndata: after\n\n',
    expected: [{ data: '[DONE]' }, { data: 'after' }],
  },
  { name: 'field names are case-sensitive', input: 'Event: x\nID: 3\ndata: a\n\n', expected: [{ data: 'a' }] },
  { name: 'long field name without colon', input: 'datadata\ndata: a\n\n', expected: [{ data: 'a' }] },
  { name: 'short unknown names without colon', input: 'da\nd\ndat\nevent\ndata: a\n\n', expected: [{ data: 'a' }] },
];

describe('parseSseStream follows the WHATWG event stream rules', () => {
  for (const rule of cases) {
    it(rule.name, async () => {
      for (const [label, chunks] of deliveries(utf8(rule.input), 40)) {
        const outcome = await parseChunks(chunks);
        expect(outcome.error, label).toBeUndefined();
        expect(outcome.events, label).toEqual(rule.expected);
      }
    });
  }

  it('decodes invalid UTF-8 to U+FFFD, also when the bad sequence is split', async () => {
    const bytes = new Uint8Array([...utf8('data: a'), 0xe2, 0x82, ...utf8('b'), 0xff, ...utf8('\n\n')]);
    for (const [label, chunks] of deliveries(bytes, 20)) {
      const outcome = await parseChunks(chunks);
      expect(outcome.events, label).toEqual([{ data: 'a\uFFFDb\uFFFD' }]);
    }
  });

  it('keeps a truncated multibyte char at the very end out of any event', async () => {
    const bytes = new Uint8Array([...utf8('data: x\n\ndata: '), 0xf0, 0x9f]);
    expect((await parseChunks([bytes])).events).toEqual([{ data: 'x' }]);
  });

  it('reports retry through the callback as soon as it is read', async () => {
    const seen: number[] = [];
    await parseChunks(['retry: 10\n', 'retry: x\nretry: 20\n'], { onRetry: (ms) => seen.push(ms) });
    expect(seen).toEqual([10, 20]);
  });

  it('stops at stopAtData only when asked to', async () => {
    const input = 'data: a\n\ndata: [DONE]\n\ndata: b\n\n';
    expect((await parseChunks([input], { stopAtData: '[DONE]' })).events).toEqual([{ data: 'a' }]);
    expect((await parseChunks([input])).events.map((e) => e.data)).toEqual(['a', '[DONE]', 'b']);
  });
});
