import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The size rules ESLint reports for `source` placed at `path` (the file need not exist). */
async function sizeErrors(source: string, path = 'src-main/engine/x.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}/${path}` });
  return (result?.messages ?? []).map((m) => m.ruleId ?? '').filter((rule) => /^max-/.test(rule));
}

/** A statement `const name = '…';` exactly `length` characters long. */
const stringLine = (name: string, length: number): string => {
  const head = `export const ${name} = '`;
  return `${head}${'x'.repeat(length - head.length - 2)}';`;
};

describe('the size rules of src-main', () => {
  it('refuses a line over 150 characters and allows one of 150', async () => {
    expect(stringLine('a', 151)).toHaveLength(151);
    expect(await sizeErrors(`${stringLine('a', 151)}\n`)).toEqual(['max-len']);
    expect(await sizeErrors(`${stringLine('a', 150)}\n`)).toEqual([]);
  });

  it('allows a long URL', async () => {
    expect(await sizeErrors(`export const docs = 'https://example.com/${'a'.repeat(150)}';\n`)).toEqual([]);
  });

  it('refuses a function over 120 lines (blank lines and comments not counted)', async () => {
    const body = (n: number) =>
      Array.from({ length: n }, (_, i) => `  const v${i} = ${i};\n  // note\n${i % 4 === 0 ? '\n' : ''}`).join('');
    const fn = (n: number) => `export function f(): void {\n${body(n)}}\n`;
    expect(await sizeErrors(fn(118))).toEqual([]); // 120 lines with its first and last
    expect(await sizeErrors(fn(118).replace('{\n', '{\n  const extra = 0;\n'))).toEqual(['max-lines-per-function']);
  });

  it('refuses a file over 300 lines', async () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n');
    expect(await sizeErrors(`${lines(300)}\n`)).toEqual([]);
    expect(await sizeErrors(`${lines(301)}\n`)).toEqual(['max-lines']);
  });
});
