import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Base64DecodeError, base64Decode } from '../../../../src/lib/platform/image-pipeline/base64-decode.js';

async function* chunksOf(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part;
}

async function decodeAll(parts: string[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of base64Decode(chunksOf(...parts))) out.push(chunk);
  return Buffer.concat(out);
}

async function decodeError(parts: string[]): Promise<Base64DecodeError> {
  try {
    await decodeAll(parts);
  } catch (error) {
    expect(error).toBeInstanceOf(Base64DecodeError);
    return error as Base64DecodeError;
  }
  throw new Error('expected a Base64DecodeError');
}

describe('base64Decode', () => {
  // Lengths 0..5 mod 3 give no padding, '==' and '=' tails.
  for (const length of [0, 1, 2, 3, 4, 5, 31, 32, 33]) {
    it(`decodes ${length} bytes split at every position (incl. inside the padding)`, async () => {
      const bytes = randomBytes(length);
      const encoded = bytes.toString('base64');
      for (let split = 0; split <= encoded.length; split++) {
        const decoded = await decodeAll([encoded.slice(0, split), encoded.slice(split)]);
        expect(decoded.equals(bytes), `split at ${split}`).toBe(true);
      }
    });
  }

  it('decodes input split into single characters, and into three uneven parts', async () => {
    const bytes = randomBytes(47);
    const encoded = bytes.toString('base64');
    expect((await decodeAll([...encoded])).equals(bytes)).toBe(true);
    for (let a = 1; a < encoded.length; a += 3) {
      for (let b = a; b < encoded.length; b += 5) {
        const parts = [encoded.slice(0, a), encoded.slice(a, b), encoded.slice(b)];
        expect((await decodeAll(parts)).equals(bytes), `${a}/${b}`).toBe(true);
      }
    }
  });

  it('accepts a missing final padding', async () => {
    expect((await decodeAll(['QQ'])).toString()).toBe('A');
    expect((await decodeAll(['QUI'])).toString()).toBe('AB');
  });

  it('splits one huge chunk into bounded output buffers', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 1);
    const sizes: number[] = [];
    const out: Buffer[] = [];
    for await (const chunk of base64Decode(chunksOf(bytes.toString('base64')))) {
      sizes.push(chunk.length);
      out.push(chunk);
    }
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(768 * 1024);
  });

  it('rejects characters outside the standard alphabet, with the stream offset', async () => {
    expect((await decodeError(['QUJD', 'QU!D'])).offset).toBe(6);
    expect((await decodeError(['QUJDQUJD QUJD'])).offset).toBe(8); // whitespace is not skipped
    expect((await decodeError(['QUJD\nQUJD'])).offset).toBe(4);
    expect((await decodeError(['QU-_'])).offset).toBe(2); // URL-safe alphabet is not standard
    expect((await decodeError(['QUJ\u0100'])).offset).toBe(3);
    expect((await decodeError(['Q', 'U', '*'])).offset).toBe(2); // in the carried tail
  });

  it('decodes separately padded segments one after another (fragments encoded on their own)', async () => {
    expect((await decodeAll(['QQ==QkM='])).toString()).toBe('ABC');
    expect((await decodeAll(['QQ==', 'QUJD'])).toString()).toBe('AABC');
    expect((await decodeAll(['QQ', '=', '=Q', 'UI='])).toString()).toBe('AAB');
    const segments = [randomBytes(10), randomBytes(7), randomBytes(32), randomBytes(1)];
    const encoded = segments.map((segment) => segment.toString('base64')).join('');
    for (let split = 0; split <= encoded.length; split++) {
      const decoded = await decodeAll([encoded.slice(0, split), encoded.slice(split)]);
      expect(decoded.equals(Buffer.concat(segments)), `split at ${split}`).toBe(true);
    }
  });

  it('rejects data inside an incomplete padded quad, in the same chunk or a later one', async () => {
    expect((await decodeError(['QQ=A'])).message).toMatch(/data after padding/);
    expect((await decodeError(['QQ=A'])).offset).toBe(3);
    expect((await decodeError(['QQ=', 'QUJD'])).offset).toBe(3);
  });

  it('rejects wrong padding', async () => {
    await decodeError(['QUJD=']); // pad after a complete quad
    await decodeError(['QUJ==']); // two pads where one completes the quad
    await decodeError(['Q===']);
    await decodeError(['QQ=', '=', '=']);
    await decodeError(['QQ=']); // incomplete
  });

  it('rejects a final length of 1 mod 4', async () => {
    const error = await decodeError(['QUJDQ']);
    expect(error.message).toMatch(/dangling/);
    await decodeError(['QUJD', 'Q']);
  });

  it('propagates an upstream error', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'QUJD';
      throw new Error('upstream broke');
    }
    const out: Buffer[] = [];
    await expect(
      (async () => {
        for await (const chunk of base64Decode(failing())) out.push(chunk);
      })(),
    ).rejects.toThrow('upstream broke');
    expect(Buffer.concat(out).toString()).toBe('ABC');
  });
});

describe('base64Decode with reuseBuffer', () => {
  it('yields the same bytes as the default mode, from one reused buffer', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 7);
    const encoded = bytes.toString('base64');
    const parts: string[] = [];
    for (let i = 0; i < encoded.length; i += 65_537) parts.push(encoded.slice(i, i + 65_537));
    const copies: Buffer[] = [];
    const backing = new Set<ArrayBufferLike>();
    for await (const chunk of base64Decode(chunksOf(...parts), { reuseBuffer: true })) {
      copies.push(Buffer.from(chunk));
      backing.add(chunk.buffer);
    }
    expect(Buffer.concat(copies).equals(bytes)).toBe(true);
    // All full-quad output comes from one scratch buffer (only the short tail is separate).
    expect(backing.size).toBeLessThanOrEqual(2);
  });
});
