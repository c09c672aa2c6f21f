// Zero warnings is the bar (`eslint --max-warnings 0`); type-aware rules
// catch promises that nobody awaits.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './tools/eslint/layers.cjs';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '**/public/vendor/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through @vulgraad/config only.' }],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    // Which lib may touch a framework or driver, that libs never import apps,
    // and that apps meet only through each other's src/index.ts (tools/eslint/layers.cjs).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    plugins: { vulgraad: layers.plugin },
    rules: { 'vulgraad/layers': ['error', layers.layerOptions] },
  },
  {
    files: ['libs/config/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'simulators/**/*.ts', 'tools/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
