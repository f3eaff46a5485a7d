// Lint rules, including the layering rules of ARCHITECTURE.md (design §4):
// - controllers/ and runtime/ reach the API only through client/ (never store/ or apiserver/);
// - api/ is pure data and functions: it imports nothing of skiff's runtime layers;
// - dataplane/ is configured by pushed snapshots: no store/ or apiserver/;
// - store/ knows nothing of HTTP; images/ import nothing of skiff.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message: why }] }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.cache/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly', structuredClone: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', queueMicrotask: 'readonly', performance: 'readonly', crypto: 'readonly', fetch: 'readonly' } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  layer(['src/controllers/**', 'src/runtime/**'], ['**/store/**', '**/apiserver/**'], 'controllers and the runtime talk to the API only through src/client (design §3 rule 1).'),
  layer(['src/api/**'], ['**/store/**', '**/apiserver/**', '**/client/**', '**/controllers/**', '**/runtime/**', '**/dataplane/**', '**/cli/**'], 'src/api is pure data and functions.'),
  layer(['src/dataplane/**'], ['**/store/**', '**/apiserver/**'], 'the data plane is configured by pushed snapshots, not by reading the store.'),
  layer(['src/store/**'], ['**/apiserver/**', 'node:http', 'node:https', 'undici'], 'the store knows nothing of HTTP.'),
  // An image may use src/images/program.ts (the ProgramIO all built-in images share), nothing above src/images.
  layer(['src/images/**'], ['../../**', '**/src/**'], 'built-in images are ordinary programs that import nothing of skiff.'),
);
