/**
 * The one place that loads the SQLite driver (`libsql`: better-sqlite3's synchronous API over
 * prebuilt N-API binaries, so the same module runs in Node 20 and in Electron's main process
 * without a rebuild). Everything else sees the narrow `SqlDatabase` interface below.
 */
import { createRequire } from 'node:module';

/** A value SQLite binds or returns. */
export type SqlValue = string | number | bigint | null;

/** A row as returned by a query: column name → value (libsql's own `_metadata` key is ignored). */
export type SqlRow = Readonly<Record<string, unknown>>;

/** What the history store needs from a database connection. */
export interface SqlDatabase {
  /** Runs one or more statements without results. */
  exec(sql: string): void;
  /** Runs one statement with bound parameters; returns the changes and the last inserted row id. */
  run(sql: string, params?: readonly SqlValue[]): { readonly changes: number; readonly lastInsertRowid: number };
  get(sql: string, params?: readonly SqlValue[]): SqlRow | undefined;
  all(sql: string, params?: readonly SqlValue[]): readonly SqlRow[];
  /**
   * The same rows as `all`, in the same order, but built into one JSON text by SQLite and parsed
   * here: one crossing of the driver instead of one per row (libsql spends several µs on each row
   * it hands over, which made a year's history slow). For read queries whose columns are integers,
   * reals, text or null. Reals come back to 15 significant digits (SQLite's JSON): exact for every
   * number written as a decimal of up to 15 digits (utilization readings are), not for a computed
   * double such as 0.1 + 0.2 (read back as 0.3).
   */
  allJson(sql: string, params?: readonly SqlValue[]): readonly SqlRow[];
  /** Runs `fn` in one transaction (BEGIN IMMEDIATE … COMMIT; ROLLBACK when it throws). */
  transaction<T>(fn: () => T): T;
  close(): void;
}

interface LibsqlStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  columns(): readonly { readonly name: string }[];
}

/** Wraps a query so that it returns its rows as one JSON text: an array of arrays of column values. */
function jsonWrapper(sql: string, columns: readonly string[]): string {
  return `SELECT json_group_array(json_array(${columns.map((c) => `"${c.replaceAll('"', '""')}"`).join(', ')})) AS rows FROM (${sql})`;
}

interface JsonQuery {
  readonly wrapper: string;
  readonly columns: readonly string[];
}

interface LibsqlDatabase {
  prepare(sql: string): LibsqlStatement;
  exec(sql: string): unknown;
  close(): unknown;
}

type LibsqlConstructor = new (path: string, options?: { timeout?: number }) => LibsqlDatabase;

let driver: LibsqlConstructor | null = null;

function loadDriver(): LibsqlConstructor {
  // createRequire: libsql is CommonJS with a native part; loaded on first use so builds and tests
  // that never open a history database never load the binary.
  driver ??= createRequire(import.meta.url)('libsql') as LibsqlConstructor;
  return driver;
}

/** Opens (or creates) the SQLite file at `path`. Throws the driver's error when the file is not a database. */
export function openSqlite(path: string, options: { readonly busyTimeoutMs?: number } = {}): SqlDatabase {
  const Database = loadDriver();
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
  const statements = new Map<string, LibsqlStatement>();
  const prepared = (sql: string): LibsqlStatement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const jsonQueries = new Map<string, JsonQuery>();
  let depth = 0;
  return {
    exec(sql) {
      db.exec(sql);
    },
    run(sql, params = []) {
      const r = prepared(sql).run(...params);
      return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
    },
    get(sql, params = []) {
      return prepared(sql).get(...params) as SqlRow | undefined;
    },
    all(sql, params = []) {
      return prepared(sql).all(...params) as SqlRow[];
    },
    allJson(sql, params = []) {
      let query = jsonQueries.get(sql);
      if (query === undefined) {
        const columns = prepared(sql)
          .columns()
          .map((c) => c.name);
        query = { wrapper: jsonWrapper(sql, columns), columns };
        jsonQueries.set(sql, query);
      }
      const text = (prepared(query.wrapper).get(...params) as SqlRow | undefined)?.['rows'];
      if (typeof text !== 'string') return [];
      const { columns } = query;
      return (JSON.parse(text) as unknown[][]).map((values) => {
        const row: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) row[columns[i] ?? ''] = values[i];
        return row;
      });
    },
    transaction(fn) {
      if (depth > 0) return fn();
      db.exec('BEGIN IMMEDIATE');
      depth++;
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      } finally {
        depth--;
      }
    },
    close() {
      statements.clear();
      jsonQueries.clear();
      db.close();
    },
  };
}

/** A number column (SQLite returns integers and reals as numbers here); null when absent. */
export function numOrNull(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return null;
}

/** A number column that must be present. */
export function num(value: unknown): number {
  return numOrNull(value) ?? 0;
}

/** A text column; null when absent. */
export function strOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
