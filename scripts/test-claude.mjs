#!/usr/bin/env node
/**
 * `npm run test:claude [-- <version>]`: the end-to-end tests that drive the real Claude Code CLI
 * (test/e2e/claude-code-*.test.ts), first on the version pinned in devDependencies, then — when a
 * version is given — on that one, installed once into .tmp/claude-code/<version>/ from the npm
 * registry. A missing CLI fails the run instead of skipping the tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const version = process.argv[2];
const TESTS = [
  'test/e2e/claude-code-rotation.test.ts',
  'test/e2e/claude-code-interactive-rotation.test.ts',
  'test/e2e/claude-code-limit-rescue.test.ts',
  'test/e2e/claude-code-sessions.test.ts',
  'test/e2e/claude-code-least-privilege.test.ts',
  'test/e2e/claude-code-agent-switch.test.ts',
  'test/e2e/claude-code-agent-refresh.test.ts',
];

function run(command, args, env = {}) {
  const r = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function installed(dir, wanted) {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return pkg.version === wanted && existsSync(join(dir, 'bin', 'claude.exe'));
  } catch {
    return false;
  }
}

function ensureVersion(wanted) {
  if (!/^\d+\.\d+\.\d+$/.test(wanted)) throw new Error(`not a version: ${wanted} (expected e.g. 2.1.332)`);
  const prefix = join(ROOT, '.tmp', 'claude-code', wanted);
  const dir = join(prefix, 'node_modules', '@anthropic-ai', 'claude-code');
  if (installed(dir, wanted)) return dir;
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), JSON.stringify({ private: true, name: 'claude-code-under-test' }));
  console.info(`test:claude: installing @anthropic-ai/claude-code@${wanted} into ${prefix}`);
  const code = run('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `@anthropic-ai/claude-code@${wanted}`]);
  if (code !== 0 || !installed(dir, wanted)) throw new Error(`installing Claude Code ${wanted} failed`);
  return dir;
}

if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
const runs = [{ label: 'pinned', env: {} }];
if (version) runs.push({ label: version, env: { CCMAX_CLAUDE_PACKAGE_DIR: ensureVersion(version) } });
const results = runs.map(({ label, env }) => {
  console.info(`\ntest:claude: real-CLI end-to-end tests on ${label}`);
  return { label, code: run('npx', ['vitest', 'run', ...TESTS], { CCMAX_CLAUDE_REQUIRED: '1', CCMAX_E2E_REPORT: '1', ...env }) };
});
for (const r of results) console.info(`test:claude: ${r.label}: ${r.code === 0 ? 'passed' : 'FAILED'}`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
