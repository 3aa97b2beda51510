// The JavaScript linter's rules (`npx eslint`, run by `make test`): ESLint's recommended set, with
// the globals each part of the code really runs with.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['dist/**', 'node_modules/**', '.venv/**', '.bench/**', 'content/**'] },
  js.configs.recommended,
  {
    files: ['web_src/**/*.js'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.browser } },
    rules: {
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['web_src/js/**/worker*.js', 'web_src/js/ai/**/*.js', 'web_src/sw/**/*.js'],
    languageOptions: { globals: { ...globals.worker, ...globals.serviceworker } },
  },
  {
    files: ['tests/**/*.js', 'bench/**/*.js', 'scripts/**/*.js', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.node } },
  },
];
