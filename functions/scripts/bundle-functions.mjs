// The last step of `npm run build`: each module of src/function-modules.ts, as tsc compiled it into
// lib/, is replaced by a bundle of its TypeScript source and all of our code it imports
// (lib/handlers/<name>.js), plus the parts of zod it uses, with zod's English messages only. Every other
// package stays a plain require. Why: an instance pays for every file Node resolves, reads, compiles and
// runs at its cold start; a function's own code is about 150 small files, and bundling from the ES
// module sources (not tsc's CommonJS, whose `require` of a whole namespace keeps all of it) lets the
// bundler drop what no function calls, most of zod's functional build among it; bench/cold-start.ts
// measures the difference. lib/index.js and lib/function-modules.js stay as tsc wrote them (tsc also
// type-checks); lib/lib/ is tsc's output, never loaded by an instance. lib/bundles.json lists, per
// bundle, the modules in it (ours by their compiled path in lib/) and the packages it requires, so tests
// and the bench can tell what code an instance loads. Source maps point at src/.
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
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED_PACKAGES.includes(name) ? undefined : { path: args.path, external: true };
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

const options = (source, outfile, banner) => ({
  entryPoints: [source],
  outfile,
  allowOverwrite: true,
  absWorkingDir: functionsDir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  tsconfig: path.join(functionsDir, 'tsconfig.build.json'),
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  ...(banner ? { banner: { js: banner } } : {}),
  plugins: [packagesStayExternal, zodEnglishOnly],
  logLevel: 'warning',
});

/** Where tsc put a source of ours (src/x/y.ts -> lib/x/y.js); a package's module stays itself. */
function compiledPath(file) {
  const relative = path.relative(path.join(functionsDir, 'src'), file);
  if (relative.startsWith('..')) return file;
  return path.join(libDir, relative.replace(/\.ts$/, '.js'));
}

const bundles = {};
for (const modulePath of new Set(Object.values(FUNCTION_MODULES))) {
  const file = path.join(libDir, modulePath);
  const source = path.join(functionsDir, 'src', modulePath.replace(/\.js$/, '.ts'));
  // A first pass to learn what goes in (the bundle carries the license of each package it includes).
  const planned = await build({ ...options(source, file), write: false });
  const inputs = Object.keys(planned.metafile.inputs);
  const licenses = inputs.some((input) => input.includes('node_modules/zod/'))
    ? `/*! Includes zod ${zodVersion} (English messages only).\n${zodLicense}\n*/`
    : undefined;
  const { metafile } = await build(options(source, file, licenses));
  const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint !== undefined);
  bundles[modulePath] = {
    inputs: Object.keys(output.inputs)
      .map((input) => path.relative(libDir, compiledPath(path.resolve(functionsDir, input))))
      .sort(),
    requires: [...new Set(output.imports.filter((entry) => entry.external).map((entry) => entry.path))].sort(),
  };
}
writeFileSync(path.join(libDir, 'bundles.json'), `${JSON.stringify(bundles, null, 2)}\n`);
