import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configRows } from '../../../dev/config-table.js';

const readme = readFileSync(resolve(__dirname, '../../../../README.md'), 'utf8');

// The README is the user's manual: it must keep up with the code it documents.
describe('README', () => {
  it.each(configRows().map((row) => row.name))('documents the %s param in the configuration table', (name) => {
    expect(readme).toContain(`| \`${name}\` |`);
  });

  it.each([
    'chatMessage',
    'chatStream',
    'matchUsers',
    'matchEvents',
    'suggestions',
    'generateImage',
    'editImage',
    'deleteConversation',
    'deleteImage',
    'deleteAccount',
    'health',
  ])('describes the %s function', (name) => {
    expect(readme).toContain(`\`${name}\``);
  });
});
