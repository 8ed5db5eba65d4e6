// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'bin/**', 'coverage/**', '.tmp/**', 'src-renderer/dist/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a union or an `as const` object instead of enum.' }],
    },
  },
  {
    files: ['src-main/**', 'src-renderer/**', 'scripts/**'],
    ignores: ['src-main/shell/**', 'src-main/preload/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'Only src-main/shell and src-main/preload may import electron; the engine talks to it through ports (engine/ports.ts).',
            },
            {
              name: 'electron-store',
              message: 'electron-store loads electron: only src-main/shell may use it (shell/electron-store-adapter.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/shell/**', 'src-main/preload/**'],
    ignores: ['src-main/shell/main.ts', 'src-main/shell/electron-store-adapter.ts', 'src-main/preload/preload.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              allowTypeImports: true,
              message:
                'Shell modules take Electron through shell/electron-ports.ts (tests use test/fakes/fake-electron.ts); only main.ts and preload.ts import Electron values.',
            },
            { name: 'electron-store', message: 'Only main.ts wires electron-store, through shell/electron-store-adapter.ts.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'shared/ runs in the renderer too: no node:* imports; put Node code in engine/.' }] },
      ],
    },
  },
);
