// The console's pure helpers: copy-as-curl and Firestore REST documents.
import { describe, expect, it } from 'vitest';
import { toCurl } from '../../../../dev/console/curl.js';
import { fromDocument } from '../../../../dev/console/firestore-rest.js';

describe('toCurl', () => {
  it('repeats the function URL, the headers that matter and the body, quoted for a shell', () => {
    const curl = toCurl({
      method: 'POST',
      url: 'http://127.0.0.1:5001/demo-social-ai/us-central1/chatStream',
      headers: {
        authorization: 'Bearer t',
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'x-other': 'no',
      },
      body: JSON.stringify({ message: "it's here" }),
    });
    expect(curl).toBe(
      "curl -sS -N -X POST 'http://127.0.0.1:5001/demo-social-ai/us-central1/chatStream' -H 'authorization: Bearer t' " +
        "-H 'content-type: application/json' -H 'accept: text/event-stream' -d '{\"message\":\"it'\\''s here\"}'",
    );
  });

  it('a GET has no -X and no body', () => {
    expect(toCurl({ method: 'GET', url: 'http://h/suggestions', headers: { authorization: 'Bearer t' } })).toBe(
      "curl -sS 'http://h/suggestions' -H 'authorization: Bearer t'",
    );
  });
});

describe('fromDocument', () => {
  it('turns REST values into plain ones, nested maps and arrays included', () => {
    const doc = fromDocument({
      name: 'projects/p/databases/(default)/documents/conversations/c1',
      fields: {
        ownerId: { stringValue: 'u1' },
        count: { integerValue: '3' },
        score: { doubleValue: 0.5 },
        done: { booleanValue: true },
        none: { nullValue: null },
        at: { timestampValue: '2026-12-02T00:00:00Z' },
        tags: { arrayValue: { values: [{ stringValue: 'a' }, { integerValue: '1' }] } },
        empty: { arrayValue: {} },
        usage: { mapValue: { fields: { tokens: { integerValue: '7' } } } },
      },
    });
    expect(doc).toEqual({
      id: 'c1',
      ownerId: 'u1',
      count: 3,
      score: 0.5,
      done: true,
      none: null,
      at: '2026-12-02T00:00:00Z',
      tags: ['a', 1],
      empty: [],
      usage: { tokens: 7 },
    });
  });
});
