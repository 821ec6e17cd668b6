// ESLint (flat config) with typescript-eslint; Prettier owns the formatting (eslint-config-prettier
// turns off the rules that would fight it). `npm run lint` at the repo root runs both; the import
// direction of src/ is checked by test/unit/architecture/import-direction.test.ts.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// One import style: a relative import names the emitted file (`./x.js`), as Node's module resolution
// and TypeScript's NodeNext expect.
const relativeWithoutExtension = '[source.value=/^\\.{1,2}\\/(?!.*\\.(js|mjs|cjs|json)$)/]';
const importStyle = ['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration', 'ImportExpression'].map(
  (node) => ({ selector: `${node}${relativeWithoutExtension}`, message: 'Relative imports end in .js' }),
);

export default tseslint.config(
  { ignores: ['lib/**', 'node_modules/**', '.stack/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its error: in a request handler that is a hung or crashed request.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      // `typeof import('x')` stays allowed: vitest's importOriginal<typeof import('x')>() needs it.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', ...importStyle],
    },
  },
  // What a deployed function runs: zod's chaining API brings all of zod into a cold start (docs/cold-start.md).
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'zod', message: "Use 'zod/mini' (its unused parts stay out of a function's bundle)." }] },
      ],
    },
  },
  { files: ['**/*.mjs', '**/*.mts'], ...tseslint.configs.disableTypeChecked },
  // Tests read response bodies field by field; typing every body would add noise, not safety.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  prettier,
);
