// `npm install` must leave the lockfiles as committed. npm prunes entries marked extraneous (a package
// nothing depends on any more) on every install, so a committed lockfile holding one is rewritten by
// the first `npm install` a newcomer runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

describe.each([['package-lock.json'], ['functions/package-lock.json']])('%s', (file) => {
  it('has no extraneous entries for npm install to prune', () => {
    const lock = JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as {
      packages: Record<string, { extraneous?: boolean }>;
    };
    const extraneous = Object.entries(lock.packages)
      .filter(([, entry]) => entry.extraneous === true)
      .map(([name]) => name);
    expect(extraneous).toEqual([]);
  });
});
