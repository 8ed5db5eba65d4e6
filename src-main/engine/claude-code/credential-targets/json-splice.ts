/**
 * Replaces one top-level key of a JSON object text while keeping every other byte: the key's value
 * is located by a small JSON scanner and only that span is rewritten (in the file's indentation);
 * a missing key is inserted after the last member. When a splice is impossible — the key appears
 * twice, the object is empty, or the spliced text would not parse to the intended document — the
 * text is re-serialised as a whole with its original indentation instead. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { err, ok, type Result } from '../../../shared/result.js';
import type { TargetError } from './credential-target.js';
import { detectIndent, stringifyLike } from './credentials-json.js';

export interface SpliceOutcome {
  readonly text: string;
  /** `splice` kept every other byte; `rewrite` re-serialised the whole document. */
  readonly method: 'splice' | 'rewrite';
}

interface Member {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/**
 * `text` with top-level `key` set to `value`; `invalid` when `text` is not a JSON object (a missing
 * or blank text starts a new two-space-indented document).
 */
export function spliceTopLevelKey(text: string | null, key: string, value: unknown, where: string): Result<SpliceOutcome, TargetError> {
  if (text === null || text.trim() === '') return ok({ text: `${JSON.stringify({ [key]: value }, null, 2)}\n`, method: 'rewrite' });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return err({ kind: 'invalid', message: `${where} is not valid JSON; left untouched` });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return err({ kind: 'invalid', message: `${where} is not a JSON object; left untouched` });
  }
  const intended = { ...(document as Record<string, unknown>), [key]: value };
  const spliced = trySplice(text, key, value);
  if (spliced !== null && parsesTo(spliced, intended)) return ok({ text: spliced, method: 'splice' });
  return ok({ text: stringifyLike(text, intended), method: 'rewrite' });
}

function trySplice(text: string, key: string, value: unknown): string | null {
  const members = scanTopLevel(text);
  if (members === null || members.length === 0) return null;
  const matches = members.filter((m) => m.key === key);
  if (matches.length > 1) return null;
  const indent = detectIndent(text);
  const memberIndent = indent === undefined ? '' : lineIndentAt(text, members[0]?.keyStart ?? 0);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const serialised = serialiseValue(value, indent, `${eol}${memberIndent}`);
  const match = matches[0];
  if (match) return text.slice(0, match.valueStart) + serialised + text.slice(match.valueEnd);
  const first = members[0];
  const last = members[members.length - 1];
  if (!first || !last) return null;
  const separator = text.slice(first.keyEnd, first.valueStart);
  const lineBreak = indent === undefined ? '' : `${eol}${memberIndent}`;
  const insertion = `,${lineBreak}${JSON.stringify(key)}${separator}${serialised}`;
  return text.slice(0, last.valueEnd) + insertion + text.slice(last.valueEnd);
}

/** A value serialised for a member line; each nested line starts with `lineStart` (line break + member indent). */
function serialiseValue(value: unknown, indent: string | undefined, lineStart: string): string {
  const json = JSON.stringify(value, null, indent);
  return indent === undefined ? json : json.replace(/\n/g, lineStart);
}

function lineIndentAt(text: string, index: number): string {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, index))?.[0] ?? '';
}

function parsesTo(text: string, intended: unknown): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(text), JSON.parse(JSON.stringify(intended)));
  } catch {
    return false;
  }
}

/** The members of the top-level object with their spans; null when the scan fails. */
function scanTopLevel(text: string): Member[] | null {
  let i = skipSpace(text, 0);
  if (text[i] !== '{') return null;
  i = skipSpace(text, i + 1);
  const members: Member[] = [];
  if (text[i] === '}') return members;
  for (;;) {
    if (text[i] !== '"') return null;
    const keyStart = i;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return null;
    const key = JSON.parse(text.slice(keyStart, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') return null;
    const valueStart = skipSpace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    if (valueEnd < 0) return null;
    members.push({ key, keyStart, keyEnd, valueStart, valueEnd });
    i = skipSpace(text, valueEnd);
    if (text[i] === '}') return members;
    if (text[i] !== ',') return null;
    i = skipSpace(text, i + 1);
  }
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

/** Index just past the string literal starting at `from`; -1 when unterminated. */
function skipString(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

/** Index just past the JSON value starting at `from`; -1 when it cannot be delimited. */
function skipValue(text: string, from: number): number {
  const c = text[from];
  if (c === '"') return skipString(text, from);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let i = from; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') {
        i = skipString(text, i) - 1;
        if (i < 0) return -1;
      } else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  let i = from;
  while (i < text.length && /[-+0-9.eEa-z]/.test(text[i] ?? '')) i++;
  return i > from ? i : -1;
}
