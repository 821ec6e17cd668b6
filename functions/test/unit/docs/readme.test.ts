import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configRows } from '../../../dev/config-table.js';
import { FUNCTION_MODULES } from '../../../src/function-modules.js';

const root = resolve(__dirname, '../../../..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const apiReference = readFileSync(resolve(root, 'functions/docs/api.md'), 'utf8');

/** Every deployed HTTPS function, as its handler module (src/function-modules.ts) defines it. */
const httpsFunctions = Object.entries(FUNCTION_MODULES)
  .filter(([name, module]) => {
    const source = readFileSync(resolve(root, 'functions/src', module.replace(/\.js$/, '.ts')), 'utf8');
    return new RegExp(`^export const ${name} = onRequest\\(`, 'm').test(source);
  })
  .map(([name]) => name);

// The README is the user's manual: it must keep up with the code it documents.
describe('README', () => {
  it.each(configRows().map((row) => row.name))('documents the %s param in the configuration table', (name) => {
    expect(readme).toContain(`| \`${name}\` |`);
  });

  it('finds the deployed HTTPS functions in their handler modules', () => {
    expect(httpsFunctions).toEqual(
      expect.arrayContaining(['chatMessage', 'chatStream', 'matchUsers', 'health', 'deleteAccount']),
    );
  });

  it.each(httpsFunctions)('has a row of its own for %s in the function index, linking to its reference', (name) => {
    const row = new RegExp(`^\\| \\[\`${name}\`\\]\\(functions/docs/api\\.md#${name.toLowerCase()}\\) \\| \\S`, 'm');
    expect(readme).toMatch(row);
  });

  it.each(httpsFunctions)('docs/api.md has a section for %s', (name) => {
    expect(apiReference).toMatch(new RegExp(`^## \`${name}\`$`, 'm'));
  });
});
