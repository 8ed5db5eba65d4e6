import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Folders that must run without Electron (the engine is a plain Node library; see STYLE.md). */
const ELECTRON_FREE = ['src-main/engine', 'src-main/server', 'src-main/cli', 'src-main/shared', 'src-main/demo'];
/** `electron`, its subpaths, and packages that load it (electron-store). */
const ELECTRON_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"](electron(?:\/[^'"]*)?|electron-store)['"]/;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && /\.(c|m)?[jt]s$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

/** Files under `folders` whose source imports Electron, as `path: line`. */
async function electronImports(folders: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const folder of folders) {
    for (const file of await sourceFiles(join(ROOT, folder))) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (ELECTRON_IMPORT.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  return found;
}

describe('the Electron boundary', () => {
  it('keeps electron out of the engine, server, CLI, shared and demo code', async () => {
    expect(await electronImports(ELECTRON_FREE)).toEqual([]);
  });

  it('recognises every way of importing electron, so the check above can fail', () => {
    for (const line of [
      "import { app } from 'electron';",
      'import type { App } from "electron";',
      "const e = await import('electron');",
      "const { ipcMain } = require('electron');",
      "import 'electron/main';",
      "import Store from 'electron-store';",
    ]) {
      expect(ELECTRON_IMPORT.test(line), line).toBe(true);
    }
    expect(ELECTRON_IMPORT.test("import x from 'electron-builder';")).toBe(false);
    expect(ELECTRON_IMPORT.test('// the Electron shell imports electron here')).toBe(false);
  });

  it('finds the shell importing electron, proving the scan reads real files', async () => {
    expect((await electronImports(['src-main/shell'])).some((l) => l.startsWith('src-main/shell/main.ts'))).toBe(true);
  });
});
