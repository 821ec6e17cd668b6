// The layering of src/, checked on the real import graph: features sit over the platform, never the
// reverse; a feature does not reach into another feature; nothing in lib/ imports a handler; the
// scorer stays pure. ARCHITECTURE.md describes the same rules.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const FUNCTIONS_DIR = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(FUNCTIONS_DIR, 'src');

interface Edge {
  from: string; // path relative to functions/, e.g. src/lib/features/chat/turn.ts
  to: string; // a resolved relative import, or the package name of a bare one
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

function importEdges(files: readonly string[]): Edge[] {
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(SPECIFIER)].map(([, specifier]) => {
      const from = path.relative(FUNCTIONS_DIR, file);
      if (!specifier.startsWith('.')) return { from, to: specifier };
      const resolved = path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts');
      return { from, to: path.relative(FUNCTIONS_DIR, resolved) };
    });
  });
}

const featureOf = (file: string): string | undefined => /^src\/lib\/features\/([^/]+)\//.exec(file)?.[1];
const PURE_SCORER = 'src/lib/features/matching/scoring/';
/** Compose features (the assistant's tools over matching; a user's data across all of them); only handlers import them. */
const COMPOSITIONS = ['src/lib/assistant-tools/', 'src/lib/account-data/'];
const compositionOf = (file: string): string | undefined => COMPOSITIONS.find((dir) => file.startsWith(dir));
/** What the pure scorer may import besides itself: text helpers, nothing with I/O. */
const SCORER_MAY_IMPORT = new Set(['src/lib/platform/text-bounds.ts']);

/** Model backends side by side in the platform: each stands on platform/model/, never on the other. */
const BACKEND_FOLDERS = ['src/lib/platform/gemini/', 'src/lib/platform/openai/'];
const backendOf = (file: string): string | undefined => BACKEND_FOLDERS.find((folder) => file.startsWith(folder));

/** The rule each edge breaks, if any. */
function violation(edge: Edge): string | undefined {
  const { from, to } = edge;
  const fromBackend = backendOf(from);
  const toBackend = backendOf(to);
  if (fromBackend && toBackend && fromBackend !== toBackend) return 'a model backend imports another backend';
  if (from.startsWith('src/lib/') && to.startsWith('src/handlers/')) return 'lib imports a handler';
  if (from.startsWith('src/lib/platform/') && to.startsWith('src/lib/features/'))
    return 'the platform imports a feature';
  const toComposition = compositionOf(to);
  if (toComposition && compositionOf(from) !== toComposition && !from.startsWith('src/handlers/'))
    return 'only handlers wire in the composition layer';
  const fromFeature = featureOf(from);
  const toFeature = featureOf(to);
  if (fromFeature && toFeature && fromFeature !== toFeature)
    return `feature ${fromFeature} imports feature ${toFeature}`;
  if (from.startsWith(PURE_SCORER) && !to.startsWith(PURE_SCORER) && !SCORER_MAY_IMPORT.has(to)) {
    return 'the pure scorer imports something outside it';
  }
  return undefined;
}

describe('import direction', () => {
  const edges = importEdges(sourceFiles(SRC));

  it('reads the real graph (hundreds of imports)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({
      from: 'src/lib/features/chat/turn.ts',
      to: expect.stringMatching(/^src\/lib\/platform\//),
    });
  });

  it('holds: no edge breaks a rule', () => {
    const broken = edges.flatMap((edge) => {
      const rule = violation(edge);
      return rule ? [`${edge.from} -> ${edge.to}: ${rule}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('would catch each kind of break', () => {
    expect(violation({ from: 'src/lib/platform/http/endpoint.ts', to: 'src/lib/features/chat/index.ts' })).toBe(
      'the platform imports a feature',
    );
    expect(
      violation({ from: 'src/lib/features/chat/store.ts', to: 'src/lib/features/matching/scoring/normalize.ts' }),
    ).toBe('feature chat imports feature matching');
    expect(violation({ from: 'src/lib/features/images/job.ts', to: 'src/handlers/generateImage.ts' })).toBe(
      'lib imports a handler',
    );
    expect(violation({ from: 'src/lib/features/matching/scoring/score.ts', to: 'firebase-admin/firestore' })).toBe(
      'the pure scorer imports something outside it',
    );
    expect(
      violation({ from: 'src/lib/features/chat/turn.ts', to: 'src/lib/platform/gemini/errors.ts' }),
    ).toBeUndefined();
    expect(violation({ from: 'src/handlers/chatMessage.ts', to: 'src/lib/features/chat/index.ts' })).toBeUndefined();
    expect(violation({ from: 'src/lib/features/chat/turn.ts', to: 'src/lib/assistant-tools/index.ts' })).toBe(
      'only handlers wire in the composition layer',
    );
    expect(violation({ from: 'src/lib/platform/http/endpoint.ts', to: 'src/lib/assistant-tools/index.ts' })).toBe(
      'only handlers wire in the composition layer',
    );
    expect(violation({ from: 'src/lib/platform/gemini/errors.ts', to: 'src/lib/platform/openai/errors.ts' })).toBe(
      'a model backend imports another backend',
    );
    expect(
      violation({ from: 'src/lib/platform/openai/streaming-client.ts', to: 'src/lib/platform/gemini/errors.ts' }),
    ).toBe('a model backend imports another backend');
    expect(
      violation({ from: 'src/lib/platform/gemini/errors.ts', to: 'src/lib/platform/model/errors.ts' }),
    ).toBeUndefined();
    // The composition may use both features; a handler may use the composition.
    expect(
      violation({ from: 'src/lib/assistant-tools/index.ts', to: 'src/lib/features/matching/index.ts' }),
    ).toBeUndefined();
    expect(violation({ from: 'src/handlers/chatStream.ts', to: 'src/lib/assistant-tools/index.ts' })).toBeUndefined();
    expect(
      violation({ from: 'src/lib/account-data/erasure.ts', to: 'src/lib/features/chat/index.ts' }),
    ).toBeUndefined();
    expect(violation({ from: 'src/lib/features/chat/store.ts', to: 'src/lib/account-data/index.ts' })).toBe(
      'only handlers wire in the composition layer',
    );
    expect(violation({ from: 'src/lib/assistant-tools/index.ts', to: 'src/lib/account-data/index.ts' })).toBe(
      'only handlers wire in the composition layer',
    );
  });
});
