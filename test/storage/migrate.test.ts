import { describe, expect, it } from 'vitest';
import { migrateDocument } from '../../src-main/engine/storage/migrate.js';

describe('migrateDocument', () => {
  const steps = {
    1: (doc: Record<string, unknown>) => ({ ...doc, renamed: doc.old, old: undefined }),
    2: (doc: Record<string, unknown>) => ({ ...doc, added: true }),
  };

  it('runs every step from the file version up to the current one, in order', () => {
    const result = migrateDocument({ version: 1, old: 'x' }, 3, steps);
    expect(result).toEqual({ ok: true, value: { doc: { version: 3, renamed: 'x', old: undefined, added: true }, fromVersion: 1 } });
  });

  it('leaves a current document alone', () => {
    expect(migrateDocument({ version: 3, a: 1 }, 3, steps)).toEqual({ ok: true, value: { doc: { version: 3, a: 1 }, fromVersion: 3 } });
  });

  it('refuses a document from a newer version', () => {
    const result = migrateDocument({ version: 4 }, 3, steps);
    expect(!result.ok && result.error).toMatch(/newer ccmax-monitor/);
  });

  it('refuses a version it has no step for', () => {
    const result = migrateDocument({ version: 1 }, 2, {});
    expect(!result.ok && result.error).toBe('no migration from format version 1 to 2');
  });

  it('refuses something that is not an object', () => {
    expect(migrateDocument([1, 2], 1, {}).ok).toBe(false);
    expect(migrateDocument(null, 1, {}).ok).toBe(false);
  });
});
