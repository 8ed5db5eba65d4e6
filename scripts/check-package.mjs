// CI check of the packaging configuration (electron-builder.yml), fully offline: stages the app
// (package.json, freshly bundled shell and preload, the renderer build, node_modules by symlink) in
// a temp folder, runs electron-builder for the Linux `dir` target against a stand-in Electron
// (`electronDist`: a fake executable and the files electron-builder copies), and asserts the app
// layout: app.asar holds the bundles, the renderer and package.json and no sources or tests; the
// keychain module's and the SQLite driver's (libsql) native binaries are in app.asar.unpacked.
//
//   node scripts/check-package.mjs [--keep]           build and inspect (exit 0 ok, 1 problems)
//   node scripts/check-package.mjs --inspect DIR      only inspect an unpacked app folder
//
// Only `dir` is built: AppImage and deb need tools electron-builder downloads from
// github.com/electron-userland/electron-builder-binaries (appimage, fpm), which CI cannot fetch.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildShell } from './build-shell.mjs';

const require = createRequire(import.meta.url);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Files the packaged app must contain (asar paths). */
export const REQUIRED_IN_ASAR = [
  '/package.json',
  '/out/shell/main.js',
  '/out/preload/preload.cjs',
  '/out/renderer/index.html',
  '/out/assets/tray/tray-okTemplate.png',
  '/out/assets/tray/tray-ok.png',
];

/** What must never ship, with why (checked against every asar path). */
const FORBIDDEN_IN_ASAR = [
  [/^\/src-(main|renderer)(\/|$)/, 'sources'],
  [/^\/(test|tests|scripts|\.ci|\.tmp|coverage)(\/|$)/, 'tests or tooling'],
  [/^\/(?!node_modules\/).*\.(ts|mts|cts|svelte)$/, 'TypeScript or Svelte sources'],
  [/\.map$/, 'source maps'],
  [/^\/(tsconfig[^/]*\.json|eslint\.config\.js|vitest\.config\.ts|electron-builder\.yml|package-lock\.json)$/, 'build configuration'],
];

/** Problems with an unpacked app folder (`…/linux-unpacked`); empty when the layout is right. */
export function inspectAppLayout(appOutDir) {
  const asar = require('@electron/asar');
  const problems = [];
  const archive = join(appOutDir, 'resources', 'app.asar');
  if (!existsSync(join(appOutDir, 'ccmax-monitor'))) problems.push('the executable is not named ccmax-monitor (linux.executableName)');
  if (!existsSync(archive)) return [...problems, `resources/app.asar is missing in ${appOutDir}`];
  const files = asar.listPackage(archive, { isPack: false }).map((p) => p.replaceAll('\\', '/'));
  for (const required of REQUIRED_IN_ASAR) if (!files.includes(required)) problems.push(`app.asar lacks ${required}`);
  for (const file of files) {
    for (const [pattern, what] of FORBIDDEN_IN_ASAR) if (pattern.test(file)) problems.push(`app.asar ships ${what}: ${file}`);
  }
  if (files.includes('/package.json')) {
    const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'));
    if (manifest.main !== 'out/shell/main.js')
      problems.push(`package.json main is ${JSON.stringify(manifest.main)}, not out/shell/main.js (extraMetadata.main)`);
  }
  const keyringNatives = files.filter((f) => /^\/node_modules\/@napi-rs\/keyring[^/]*\/.*\.node$/.test(f));
  if (keyringNatives.length === 0) problems.push('the keychain module (@napi-rs/keyring) has no native .node file in the app');
  const sqliteNatives = files.filter((f) => /^\/node_modules\/@libsql\/[^/]+\/.*\.node$/.test(f));
  if (sqliteNatives.length === 0)
    problems.push('the history database driver (libsql) has no native .node file (@libsql/<platform>) in the app');
  if (!files.includes('/node_modules/libsql/index.js')) problems.push('app.asar lacks the history database driver (node_modules/libsql)');
  const fuses = readFuses(join(appOutDir, 'ccmax-monitor'));
  if (!fuses) problems.push('the executable has no Electron fuse wire');
  else {
    for (const [name, , wanted] of FUSES) {
      if (fuses[name] !== wanted)
        problems.push(
          `Electron fuse ${name} is ${fuses[name] === '1' ? 'on' : 'off'} (electronFuses must turn it ${wanted === '1' ? 'on' : 'off'})`,
        );
    }
  }
  for (const native of [...keyringNatives, ...sqliteNatives]) {
    if (!existsSync(join(appOutDir, 'resources', 'app.asar.unpacked', ...native.split('/'))))
      problems.push(`${native} is not in app.asar.unpacked (asarUnpack)`);
  }
  return problems;
}

/** The renderer build to ship: out/renderer, else src-renderer/dist, else a placeholder page. */
function stageRenderer(targetDir) {
  for (const candidate of [join(repoRoot, 'out', 'renderer'), join(repoRoot, 'src-renderer', 'dist')]) {
    if (existsSync(join(candidate, 'index.html'))) {
      cpSync(candidate, targetDir, { recursive: true });
      return candidate;
    }
  }
  mkdirSync(targetDir, { recursive: true });
  writeFileSync(join(targetDir, 'index.html'), '<!doctype html><title>ccmax-monitor</title><p>renderer not built</p>\n');
  return null;
}

/** Copies the production dependency tree (what `npm ls --omit=dev` lists) into `appDir/node_modules`. */
function stageProductionModules(appDir) {
  const listed = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  const modulesRoot = join(repoRoot, 'node_modules');
  const paths = (listed.stdout ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((p) => p.startsWith(modulesRoot + sep));
  if (paths.length === 0) throw new Error(`check-package: npm ls listed no production modules (${listed.stderr ?? ''})`);
  for (const path of paths) cpSync(path, join(appDir, relative(repoRoot, path)), { recursive: true, dereference: true });
  cpSync(join(repoRoot, 'package-lock.json'), join(appDir, 'package-lock.json'));
}

/**
 * Electron's fuse wire (@electron/fuses, version 1): the sentinel, the wire version, its length, then one
 * byte per fuse ('0' off, '1' on) in this order. The stand-in carries Electron's defaults, so the check
 * proves electron-builder's `electronFuses` really flips them.
 */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSES = [
  // [name, Electron's default, what the packaged app must have]
  ['RunAsNode', '1', '0'],
  ['EnableCookieEncryption', '0', '1'],
  ['EnableNodeOptionsEnvironmentVariable', '1', '0'],
  ['EnableNodeCliInspectArguments', '1', '0'],
  ['EnableEmbeddedAsarIntegrityValidation', '0', '1'],
  ['OnlyLoadAppFromAsar', '0', '1'],
  ['LoadBrowserProcessSpecificV8Snapshot', '0', '0'],
  ['GrantFileProtocolExtraPrivileges', '1', '0'],
];

/** The fuses in an Electron executable, by name ('0'/'1'), or null when it has no fuse wire. */
export function readFuses(executable) {
  const bytes = readFileSync(executable);
  const at = bytes.indexOf(FUSE_SENTINEL);
  if (at === -1) return null;
  const wire = at + FUSE_SENTINEL.length;
  const length = bytes[wire + 1];
  return Object.fromEntries(FUSES.slice(0, length).map(([name], i) => [name, String.fromCharCode(bytes[wire + 2 + i])]));
}

/** A stand-in Electron distribution: the files electron-builder copies for Linux. */
function stageFakeElectron(dir) {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  mkdirSync(join(dir, 'locales'), { recursive: true });
  const wire = `${FUSE_SENTINEL}\x01${String.fromCharCode(FUSES.length)}${FUSES.map(([, byDefault]) => byDefault).join('')}`;
  writeFileSync(join(dir, 'electron'), `#!/bin/sh\necho "stand-in Electron for the packaging check"\nexit 0\n# ${wire}\n`, 'latin1');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), `${require('electron/package.json').version}\n`);
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '');
}

function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ code: null, output: `${output}${error.message}\n` }));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** Stages, packages and inspects; resolves to `{ ok, problems, workDir, rendererFrom, output }`. */
export async function checkPackage({ keep = false } = {}) {
  const workDir = mkdtempSync(join(tmpdir(), 'ccmax-package-check-'));
  try {
    const appDir = join(workDir, 'app');
    mkdirSync(appDir);
    cpSync(join(repoRoot, 'package.json'), join(appDir, 'package.json'));
    // A copy, never a symlink: electron-builder moves asarUnpack files (the keychain module's .node)
    // out of the staged node_modules, which through a symlink would gut the real one.
    stageProductionModules(appDir);
    await buildShell({ root: repoRoot, outDir: join(appDir, 'out') });
    const rendererFrom = stageRenderer(join(appDir, 'out', 'renderer'));
    stageFakeElectron(join(workDir, 'electron-dist'));
    const distDir = join(workDir, 'dist');
    const cli = join(dirname(require.resolve('electron-builder/package.json')), 'cli.js');
    const built = await run(
      process.execPath,
      [
        cli,
        '--linux',
        'dir',
        '--projectDir',
        appDir,
        '--config',
        join(repoRoot, 'electron-builder.yml'),
        `-c.electronDist=${join(workDir, 'electron-dist')}`,
        `-c.directories.output=${distDir}`,
        '--publish',
        'never',
      ],
      { cwd: appDir, env: { ...process.env, npm_config_offline: 'true', ELECTRON_BUILDER_CACHE: join(workDir, 'cache') } },
    );
    if (built.code !== 0)
      return { ok: false, problems: [`electron-builder failed (exit ${built.code})`], workDir, rendererFrom, output: built.output };
    const unpacked = readdirSync(distDir).find((name) => /^linux(-[a-z0-9]+)?-unpacked$/.test(name));
    const problems = unpacked ? inspectAppLayout(join(distDir, unpacked)) : [`no linux-unpacked folder in ${distDir}`];
    return { ok: problems.length === 0, problems, workDir, rendererFrom, output: built.output };
  } finally {
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false }, inspect: { type: 'string' } }, strict: true });
  if (values.inspect) {
    const problems = inspectAppLayout(values.inspect);
    for (const problem of problems) process.stderr.write(`check-package: ${problem}\n`);
    if (problems.length === 0) process.stdout.write('check-package: layout ok\n');
    process.exitCode = problems.length === 0 ? 0 : 1;
  } else {
    const startedMs = Date.now();
    const result = await checkPackage({ keep: values.keep });
    const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
    if (!result.ok) {
      process.stderr.write(result.output);
      for (const problem of result.problems) process.stderr.write(`check-package: ${problem}\n`);
      process.exitCode = 1;
    } else {
      const renderer = result.rendererFrom ? `renderer from ${result.rendererFrom}` : 'renderer not built: placeholder page';
      process.stdout.write(
        `check-package: ok in ${seconds} s (linux dir, stand-in Electron; ${renderer})${values.keep ? `; kept ${result.workDir}` : ''}\n`,
      );
    }
  }
}
