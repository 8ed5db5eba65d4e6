// @ts-check
import tseslint from 'typescript-eslint';

/**
 * The house rules for imports, one entry per folder: which imports a module there may not make, and
 * where to go instead (as GitHub Desktop's lint messages do). `test/architecture/import-rules.test.ts`
 * lints a deliberate violation of each and fails if any passes.
 */
const ELECTRON = [
  {
    name: 'electron',
    message: 'Only src-main/shell and src-main/preload may import electron; the engine talks to it through ports (engine/ports.ts).',
  },
  { name: 'electron-store', message: 'electron-store loads electron: only src-main/shell may use it (shell/electron-store-adapter.ts).' },
];
const ENGINE_DOOR = {
  regex: '(^|/)engine/(?!index\\.js$)',
  message: "Import the engine only through its door, 'engine/index.js'; export what you need from there.",
};
const NOT_BELOW = (folders, why) => ({ regex: `(^|/)(${folders.join('|')})/`, message: why });

/** @param {string[]} files @param {object[]} patterns @param {string[]} [ignores] */
const restrict = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  {
    ignores: ['out/**', 'node_modules/**', 'dist/**', 'bin/**', 'coverage/**', '.tmp/**', 'src-renderer/dist/**', 'test-results/**'],
  },
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
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: ELECTRON }] },
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
  // Small files, one idea each (docs/ARCHITECTURE.md): no module over 300 lines, no function over 120.
  {
    files: ['src-main/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true, IIFEs: true }],
      // Prettier wraps code at 140 but leaves long strings alone: break them ('…' + '…') past 150.
      'max-len': ['error', { code: 150, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  // Folder rules (no-restricted-imports; one block per folder, so each folder's list is complete here).
  restrict(
    ['src-main/shared/**'],
    [
      { group: ['node:*'], message: 'shared/ runs in the renderer too: no node:* imports; put Node code in engine/ or host/.' },
      { regex: '^\\.\\./', message: 'shared/ is the bottom layer: it imports nothing outside shared/ (move the type into shared/).' },
    ],
  ),
  restrict(
    ['src-main/engine/**'],
    [
      NOT_BELOW(
        ['server', 'shell', 'cli', 'host', 'preload', 'demo'],
        'The engine is a plain Node library below every face: take what you need through a port (engine/ports.ts) that host/ or server/ fills in.',
      ),
    ],
  ),
  restrict(
    ['src-main/server/**'],
    [ENGINE_DOOR, NOT_BELOW(['shell', 'cli', 'host', 'preload'], 'server/ is composed by host/; it must not reach back up into a face.')],
  ),
  restrict(
    ['src-main/host/**'],
    [ENGINE_DOOR, NOT_BELOW(['shell', 'cli', 'preload'], 'host/ is shared by both faces: it must not import either face.')],
  ),
  restrict(
    ['src-main/shell/**'],
    [ENGINE_DOOR, NOT_BELOW(['cli'], 'The tray app does not use the CLI: what both need lives in src-main/host/.')],
  ),
  restrict(['src-main/cli/**', 'src-main/demo/**', 'src-main/preload/**'], [ENGINE_DOOR]),
  restrict(
    ['src-renderer/**'],
    [
      { group: ['node:*'], message: 'The renderer is a web page: no node:* imports.' },
      {
        regex: '(^|/)src-main/(?!shared/)',
        message: 'The renderer sees only src-main/shared/ (contract and view model); everything else arrives through the bridge.',
      },
    ],
  ),
);
