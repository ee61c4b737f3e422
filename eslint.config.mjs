// The linter (issue 19): typescript-eslint's recommended rules, plus the determinism rules of
// docs/architecture.md — no wall clock or randomness in the domain or in orchestrators, no Node
// built-ins in orchestrators. Layer rules live in .dependency-cruiser.cjs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noClock = [
  {
    selector: "MemberExpression[object.name='Date'][property.name='now']",
    message: 'Take time from the injected clock (or context.df.currentUtcDateTime).',
  },
  {
    selector: "MemberExpression[object.name='Math'][property.name='random']",
    message: 'No randomness here: ids come from the caller (or context.df.newGuid()).',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'Take time from the injected clock (or context.df.currentUtcDateTime).',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The text guard (docs/access.md, clean texts) names control characters on purpose.
      'no-control-regex': 'off',
      // A closure may read a variable that is assigned once, later (local/invoke.ts).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Lines a reader can read (issue 19 item 6): no code line, string or comment over 200
      // characters. Prettier wraps code at 140 but leaves strings, templates and regexes whole.
      'max-len': ['error', { code: 200, tabWidth: 2 }],
    },
  },
  {
    // The local runtime, the benchmarks and the tests load the app with require() on purpose:
    // after the worker shim is installed (docs/local-runtime.md), and fresh per test.
    files: ['local/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'shared/observability.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['web/**/*.js'], languageOptions: { globals: { ...globals.browser }, sourceType: 'module' } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  {
    files: ['shared/domain/**/*.ts', 'shared/escalation/domain/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...noClock], 'no-restricted-globals': ['error', 'process'] },
  },
  {
    files: ['orchestrations/**/*.orchestrator.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...noClock],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'http', 'https', 'crypto', 'os'], message: 'Orchestrators do I/O only through activities.' },
          ],
        },
      ],
    },
  },
);
