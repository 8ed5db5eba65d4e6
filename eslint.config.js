// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'bin/**', 'coverage/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a union or an `as const` object instead of enum.' }],
    },
  },
  {
    files: ['src-main/engine/**', 'src-main/server/**', 'src-main/cli/**', 'src-main/shared/**', 'src-main/demo/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only src-main/shell and src-main/preload may import electron; the engine talks to it through ports (engine/ports.ts).' }],
      }],
    },
  },
  {
    files: ['src-main/shared/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'shared/ runs in the renderer too: no node:* imports; put Node code in engine/.' }] }],
    },
  },
);
