// Builds the dashboard (vite.config.ts: src-renderer → src-renderer/dist) and checks that the built
// page keeps its CSP promise: no inline <script> or <style>, no inline event handlers or style
// attributes, and the CSP meta tag intact. Exits non-zero when any check fails.
import { build } from 'vite';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const REQUIRED_CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'";

/** Problems with a built index.html, as sentences; empty when it is clean. */
export function checkBuiltPage(html) {
  const problems = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (!/\bsrc=/i.test(match[1] ?? '')) problems.push('an inline <script> (the CSP blocks it)');
    else if ((match[2] ?? '').trim() !== '') problems.push('a <script src> with inline content');
  }
  if (/<style\b/i.test(html)) problems.push("an inline <style> element (style-src is 'self' only)");
  if (/\sstyle\s*=/i.test(html)) problems.push('an inline style attribute');
  if (/\son[a-z]+\s*=/i.test(html)) problems.push('an inline event handler attribute');
  if (!html.includes(REQUIRED_CSP)) problems.push('the Content-Security-Policy meta tag is missing or changed');
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build({ configFile: join(root, 'vite.config.ts'), root: join(root, 'src-renderer'), logLevel: 'warn' });
  const page = readFileSync(join(root, 'src-renderer/dist/index.html'), 'utf8');
  const problems = checkBuiltPage(page);
  if (problems.length > 0) {
    process.stderr.write(`build-renderer: src-renderer/dist/index.html has ${problems.join('; ')}.\n`);
    process.exit(1);
  }
}
