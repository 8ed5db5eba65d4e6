/**
 * Reads and edits Claude Code's `settings.json` so that only the top-level keys we change are
 * rewritten: every other byte of the file (other settings, their order, spacing, number spelling)
 * stays exactly as it was. An unreadable or invalid file is refused, never replaced.
 */
import { copyFile, mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';
import { writeFileAtomic } from '../storage/atomic-file.js';

export type JsonObject = { [key: string]: unknown };

export type SettingsFileError =
  | { readonly kind: 'unreadable'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string };

/** A parsed settings file and where its top-level members sit in the text. */
export interface SettingsText {
  /** Text without a BOM; null when the file does not exist (or is empty). */
  readonly text: string | null;
  readonly bom: boolean;
  readonly data: JsonObject;
}

interface Member {
  readonly key: string;
  /** Offset of the key's opening quote. */
  readonly keyStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** Scans a JSON text that JSON.parse accepted; returns its top-level members, or null if it is not an object. */
function topLevelMembers(text: string): { members: Member[]; open: number; close: number } | null {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const skipString = (): void => {
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const skipValue = (): void => {
    const c = text[i];
    if (c === '"') return skipString();
    if (c === '{' || c === '[') {
      let depth = 0;
      do {
        const d = text[i];
        if (d === '"') {
          skipString();
          continue;
        }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') depth--;
        i++;
      } while (depth > 0);
      return;
    }
    while (i < text.length && !',}] \t\r\n'.includes(text[i] as string)) i++;
  };
  ws();
  if (text[i] !== '{') return null;
  const open = i++;
  const members: Member[] = [];
  for (;;) {
    ws();
    if (text[i] === '}') return { members, open, close: i };
    if (text[i] === ',') {
      i++;
      continue;
    }
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i)) as string;
    ws();
    i++; // the colon
    ws();
    const valueStart = i;
    skipValue();
    members.push({ key, keyStart, valueStart, valueEnd: i });
  }
}

function formatOf(text: string): { eol: string; indent: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  return { eol, indent };
}

function render(value: unknown, indent: string, eol: string): string {
  return JSON.stringify(value, null, indent).replace(/\n/g, `${eol}${indent}`);
}

/**
 * The text of `original` with top-level keys set to `changes` (`undefined` removes a key), touching
 * nothing else. Falls back to a full rewrite only if the splice would not parse back to the intent.
 */
export function spliceTopLevel(original: string | null, data: JsonObject, changes: Readonly<Record<string, unknown>>): string {
  const next: JsonObject = { ...data };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  const fresh = `${JSON.stringify(next, null, 2)}\n`;
  if (original === null || original.trim() === '') return fresh;
  const { eol, indent } = formatOf(original);
  let text = original;
  // One key at a time, re-scanning after each edit, so offsets are always fresh.
  for (const [key, value] of Object.entries(changes)) {
    const scanned = topLevelMembers(text);
    if (!scanned) return fresh;
    const edit = editFor(scanned, key, value, indent, eol);
    if (edit) text = text.slice(0, edit.start) + edit.insert + text.slice(edit.end);
  }
  try {
    if (jsonEqual(JSON.parse(text), next)) return text;
  } catch {
    // Fall through to the full rewrite.
  }
  return fresh;
}

function editFor(
  scanned: { members: Member[]; open: number; close: number },
  key: string,
  value: unknown,
  indent: string,
  eol: string,
): { start: number; end: number; insert: string } | null {
  const { members } = scanned;
  const index = members.findIndex((m) => m.key === key);
  const member = members[index];
  if (member && value !== undefined) return { start: member.valueStart, end: member.valueEnd, insert: render(value, indent, eol) };
  if (member) {
    const previous = members[index - 1];
    const following = members[index + 1];
    if (previous) return { start: previous.valueEnd, end: member.valueEnd, insert: '' };
    if (following) return { start: member.keyStart, end: following.keyStart, insert: '' };
    return { start: scanned.open + 1, end: scanned.close, insert: '' };
  }
  if (value === undefined) return null;
  const entry = `${JSON.stringify(key)}: ${render(value, indent, eol)}`;
  const last = members[members.length - 1];
  if (last) return { start: last.valueEnd, end: last.valueEnd, insert: `,${eol}${indent}${entry}` };
  return { start: scanned.open + 1, end: scanned.close, insert: `${eol}${indent}${entry}${eol}` };
}

/** Deep equality of JSON values, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as JsonObject)[k], (b as JsonObject)[k]));
}

/** Parses settings text; an empty text is an empty object. */
export function parseSettingsText(raw: string): Result<SettingsText, SettingsFileError> {
  const bom = raw.charCodeAt(0) === 0xfeff;
  const text = bom ? raw.slice(1) : raw;
  if (text.trim() === '') return ok({ text: null, bom, data: {} });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return err({
      kind: 'invalid',
      message: `it is not valid JSON (${(error as Error).message}); comments and trailing commas are not allowed`,
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return err({ kind: 'invalid', message: 'its top level is not a JSON object' });
  }
  const keys = topLevelMembers(text)?.members.map((m) => m.key) ?? [];
  const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
  if (duplicate !== undefined)
    return err({ kind: 'invalid', message: `the key ${JSON.stringify(duplicate)} appears twice at the top level` });
  return ok({ text, bom, data: data as JsonObject });
}

/** Reads and parses `path`; a missing file is an empty one. Symlinks are followed. */
export async function readSettingsFile(path: string): Promise<Result<SettingsText, SettingsFileError>> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return ok({ text: null, bom: false, data: {} });
    return err({ kind: 'unreadable', message: `${code ?? 'error'}: ${(error as Error).message}` });
  }
  return parseSettingsText(raw);
}

/** The backup name for a settings file: `<file>.ccmax-backup-<UTC stamp>`. */
export function settingsBackupPath(path: string, nowMs: number): string {
  return `${path}.ccmax-backup-${new Date(nowMs).toISOString().replace(/[-:.]/g, '')}`;
}

/** The existing backup of a settings file (the oldest, when older versions left several); null when none. */
export async function findSettingsBackup(path: string): Promise<string | null> {
  const target = await realpath(path).catch(() => path);
  const prefix = `${basename(target)}.ccmax-backup-`;
  const names = await readdir(dirname(target)).catch(() => [] as string[]);
  const first = names.filter((n) => n.startsWith(prefix)).sort()[0];
  return first === undefined ? null : join(dirname(target), first);
}

/**
 * Writes `text` atomically over the file `path` points to (through a symlink, to its target),
 * keeping its mode. The first change copies the file to a backup; later changes keep that one
 * backup (the settings as they were before ccmax-monitor touched them), not one per run. Returns
 * the backup path (null when there was no file and so no backup).
 */
export async function writeSettingsFile(path: string, text: string, bom: boolean, nowMs: number): Promise<string | null> {
  let target = path;
  let mode = 0o644;
  let backup: string | null = null;
  try {
    target = await realpath(path);
    mode = (await stat(target)).mode & 0o777;
    backup = await findSettingsBackup(target);
    if (backup === null) {
      backup = settingsBackupPath(target, nowMs);
      await copyFile(target, backup);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
  }
  await writeFileAtomic(target, `${bom ? '\ufeff' : ''}${text}`, { mode });
  return backup;
}
