// Makes sure the Electron binary is installed before `npm start` launches the tray app.
// The project installs the `electron` package without running its install script (package.json
// `allowScripts`), so the first start runs Electron's own installer (`node_modules/electron/
// install.js`, which downloads the binary once). When that cannot download — no network, a proxy,
// ELECTRON_SKIP_BINARY_DOWNLOAD — this says so plainly and points at the browser dashboard.
//
//   node scripts/ensure-electron.mjs [--electron-dir DIR] [--installer '["cmd","arg"]'] [--timeout-ms N]
//
// Exit code 0 when the binary is there (before or after installing), 1 when it is not.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** The Electron package folder this project resolves, or `<repo>/node_modules/electron`. */
export function defaultElectronDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'electron');
  }
}

/** The installed binary (`dist/<path.txt>`), or null when Electron's installer has not run. */
export function electronBinaryPath(electronDir) {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  if (relative === '') return null;
  const binary = join(electronDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

/** Runs `command` (argv array) with inherited output; resolves to its exit code (or a reason). */
function runInstaller(command, { cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const [file, ...args] = command;
    // The installer's stderr is kept, not shown: a failed download prints a raw stack (`TypeError:
    // fetch failed` and its cause); the user gets its one telling line inside our explanation.
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'inherit', 'pipe'] });
    let errorText = '';
    child.stderr?.on('data', (chunk) => {
      if (errorText.length < 65_536) errorText += chunk.toString('utf8');
    });
    const telling = () => {
      const lines = errorText
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const line = lines.find((l) => /^(\w*Error|Error)\b[:\s]/.test(l)) ?? lines.at(-1);
      return line ? `: ${line.slice(0, 200)}` : '';
    };
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      resolve({ code: null, reason: `timed out after ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, reason: `could not be started (${error.message})` });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, reason: code === 0 ? null : signal ? `was stopped by ${signal}` : `exited with code ${code}${telling()}` });
    });
  });
}

/** The message shown when the binary is still missing: what failed, why, and what to do instead. */
export function missingElectronMessage({ electronDir, commandText, failure, skipDownload }) {
  const what = skipDownload
    ? `Electron's installer (${commandText}) skipped the download because ELECTRON_SKIP_BINARY_DOWNLOAD is set`
    : failure
      ? `Electron's installer (${commandText}) ${failure}`
      : `Electron's installer (${commandText}) finished, but no binary appeared`;
  return [
    'ccmax-monitor: the Electron binary is missing, so the tray app cannot start.',
    `  What failed: ${what}; ${join(electronDir, 'dist')} has no Electron.`,
    '  This machine cannot download Electron (no network access to its download server, or downloads are blocked).',
    '  Run `npx ccmax-monitor serve` for the same dashboard in your browser.',
    '',
  ].join('\n');
}

/**
 * Ensures the binary: returns `{ ok: true, binary, installed }` or `{ ok: false }` after writing the
 * explanation to `stderr`. `installer` is the command to run (default: Electron's install.js).
 */
export async function ensureElectron({
  electronDir = defaultElectronDir(),
  installer,
  env = process.env,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  stdout = (text) => process.stdout.write(text),
  stderr = (text) => process.stderr.write(text),
} = {}) {
  const present = electronBinaryPath(electronDir);
  if (present) return { ok: true, binary: present, installed: false };
  if (!existsSync(join(electronDir, 'package.json'))) {
    stderr(
      `ccmax-monitor: the electron package is not installed (${electronDir}); run \`npm install\` first.\n  Run \`npx ccmax-monitor serve\` for the same dashboard in your browser.\n`,
    );
    return { ok: false };
  }
  const command = installer ?? [process.execPath, join(electronDir, 'install.js')];
  const commandText = command.map((part) => (/\s/.test(part) ? JSON.stringify(part) : part)).join(' ');
  stdout(`ccmax-monitor: the Electron binary is not installed yet; running Electron's installer (a one-time download)…\n`);
  const outcome = await runInstaller(command, { cwd: electronDir, env, timeoutMs });
  const binary = electronBinaryPath(electronDir);
  if (binary) return { ok: true, binary, installed: true };
  stderr(
    missingElectronMessage({ electronDir, commandText, failure: outcome.reason, skipDownload: Boolean(env.ELECTRON_SKIP_BINARY_DOWNLOAD) }),
  );
  return { ok: false };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { 'electron-dir': { type: 'string' }, installer: { type: 'string' }, 'timeout-ms': { type: 'string' } },
    strict: true,
  });
  const installer = values.installer ? JSON.parse(values.installer) : undefined;
  if (installer !== undefined && !(Array.isArray(installer) && installer.length > 0 && installer.every((p) => typeof p === 'string'))) {
    process.stderr.write('ensure-electron: --installer must be a JSON array of strings, e.g. \'["node","install.js"]\'\n');
    process.exit(2);
  }
  const result = await ensureElectron({
    ...(values['electron-dir'] ? { electronDir: values['electron-dir'] } : {}),
    ...(installer ? { installer } : {}),
    ...(values['timeout-ms'] ? { timeoutMs: Number(values['timeout-ms']) } : {}),
  });
  process.exitCode = result.ok ? 0 : 1;
}
