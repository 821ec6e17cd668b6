// The last step of `npm run build`: each module of src/function-modules.ts, as tsc compiled it into
// lib/, is replaced by a bundle of itself and all of our code it imports (lib/handlers/<name>.js), plus
// zod with its English messages only. Every other package stays a plain require. Why: an instance pays
// for every file Node resolves, reads and compiles at its cold start, and a function's own code is about
// 150 small files (zod alone is 95 modules, 64 of them translations of its messages loaded by its entry
// point); bench/cold-start.ts measures the difference. lib/index.js and lib/function-modules.js stay as
// tsc wrote them; lib/lib/ is tsc's output and the bundles' input, never loaded by an instance.
// lib/bundles.json lists, per bundle, the compiled files in it and the packages it requires, so tests and
// the bench can tell what code an instance loads. Source maps chain: bundle -> lib/lib/*.js -> src/.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const functionsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const libDir = path.join(functionsDir, 'lib');
const { FUNCTION_MODULES } = createRequire(import.meta.url)(path.join(libDir, 'function-modules.js'));

/** Packages bundled in; every other bare import stays a require of node_modules. */
const BUNDLED_PACKAGES = ['zod'];

const packagesStayExternal = {
  name: 'packages-stay-external',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      if (!BUNDLED_PACKAGES.includes(name)) return { path: args.path, external: true };
      if (args.kind !== 'require-call') return undefined;
      // tsc's output requires the package; take its ES module build, which the bundler can trim.
      return builder.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir });
    });
  },
};

/** zod's locales index (`export * as <language>` of all 64) as just English, its default. */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: path.dirname(args.path),
    }));
  },
};

const zodDir = path.join(functionsDir, 'node_modules', 'zod');
const zodVersion = JSON.parse(readFileSync(path.join(zodDir, 'package.json'), 'utf8')).version;
const zodLicense = readFileSync(path.join(zodDir, 'LICENSE'), 'utf8').trim();

const options = (file, banner) => ({
  entryPoints: [file],
  outfile: file,
  allowOverwrite: true,
  absWorkingDir: functionsDir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  ...(banner ? { banner: { js: banner } } : {}),
  plugins: [packagesStayExternal, zodEnglishOnly],
  logLevel: 'warning',
});

const bundles = {};
for (const modulePath of new Set(Object.values(FUNCTION_MODULES))) {
  const file = path.join(libDir, modulePath);
  // A first pass to learn what goes in (the bundle carries the license of each package it includes).
  const planned = await build({ ...options(file), write: false });
  const inputs = Object.keys(planned.metafile.inputs);
  const licenses = inputs.some((input) => input.includes('node_modules/zod/'))
    ? `/*! Includes zod ${zodVersion} (English messages only).\n${zodLicense}\n*/`
    : undefined;
  const { metafile } = await build(options(file, licenses));
  const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint !== undefined);
  bundles[modulePath] = {
    inputs: Object.keys(output.inputs)
      .map((input) => path.relative(libDir, path.resolve(functionsDir, input)))
      .sort(),
    requires: [...new Set(output.imports.filter((entry) => entry.external).map((entry) => entry.path))].sort(),
  };
}
writeFileSync(path.join(libDir, 'bundles.json'), `${JSON.stringify(bundles, null, 2)}\n`);
