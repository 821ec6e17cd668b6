// What code a process loaded from the built lib/: the files in its require.cache, with each bundle the
// build made (scripts/bundle-functions.mjs) replaced by the compiled files and packages bundled into it
// (lib/bundles.json). Paths come back as Node loaded them, or, for bundled sources, absolute paths under
// lib/ (e.g. .../lib/lib/features/chat/turn.js, .../node_modules/zod/v4/core/core.js).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const LIB_DIR = path.resolve(__dirname, '..', '..', 'lib');

interface BundleRecord {
  inputs: string[];
  requires: string[];
}

function readBundles(libDir: string): Map<string, BundleRecord> {
  const file = path.join(libDir, 'bundles.json');
  if (!existsSync(file)) return new Map();
  const records = JSON.parse(readFileSync(file, 'utf8')) as Record<string, BundleRecord>;
  return new Map(Object.entries(records).map(([module, record]) => [path.join(libDir, module), record]));
}

/** `files`: a process's Object.keys(require.cache). */
export function loadedCode(files: readonly string[], libDir = LIB_DIR): string[] {
  const bundles = readBundles(libDir);
  const code = files.flatMap((file) => {
    const bundle = bundles.get(file);
    return bundle ? [file, ...bundle.inputs.map((input) => path.join(libDir, input))] : [file];
  });
  return [...new Set(code)]; // a bundle's entry is compiled to the bundle's own path
}
