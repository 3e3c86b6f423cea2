import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import type { Tables } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Tables>;
  dialect: Dialect;
  /** Whether the database answers; for `/readyz`. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  poolMax?: number;
  /** Refuse to create a SQLite file that is not there (commands that only read or change records). */
  mustExist?: boolean;
}

/** `mustExist` was asked for and there is no SQLite file at the path. */
export class DatabaseNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`There is no database at ${path}.`);
  }
}

/**
 * Opens the database named by a `DATABASE_URL`: `sqlite:<path>` (`sqlite::memory:` for tests) or
 * `postgres://…`. Dialect differences stay here: the rest of the server speaks Kysely.
 */
export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (options.mustExist && path !== ':memory:' && !existsSync(path)) throw new DatabaseNotFoundError(path);
    return openSqlite(path);
  }
  return openPostgres(url, options.poolMax ?? 10);
}

function openSqlite(path: string): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  // WAL lets readers run beside the writer; NORMAL syncs at checkpoints, which in WAL mode keeps every
  // committed transaction across a process crash (only an OS crash can lose the last ones).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('wal_autocheckpoint = 10000');
  // Checkpoints (copying the WAL into the database, with an fsync) mostly run on a worker thread, so
  // the commit that crosses the auto-checkpoint threshold finds little left to copy. SQLite's own
  // auto-checkpoint stays on: only a checkpoint run right after a commit, with no write in between,
  // lets the next writer restart the WAL from its beginning — without it the file grows for ever
  // under a steady stream of writes. Its threshold is raised from 1,000 to 10,000 pages (a WAL of
  // about 40 MiB): the commit that crosses it pays for the copy and the fsync, and doing that ten
  // times less often took a rotation-shaped write loop from 2,900 to 4,400 commits/s and its p99
  // from 1.2 ms to 0.5 ms.
  // Token digests are random keys: every check and rotation touches a random page of large indexes.
  // A 64 MiB page cache and memory-mapped reads keep those pages in memory instead of in syscalls.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('mmap_size = 268435456');
  const checkpointer = path === ':memory:' ? undefined : startCheckpointer(path);
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    ping: async () => sqlite.open,
    close: async () => {
      await checkpointer?.terminate();
      await db.destroy();
    },
  };
}

// CommonJS, because an eval'd worker cannot import: it opens its own connection to the same file.
const CHECKPOINTER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
`;

/** A worker thread that checkpoints the WAL a few times a second, off the event loop. */
function startCheckpointer(path: string): Worker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { driver, path, intervalMs: 250 } });
  worker.unref();
  return worker;
}

/**
 * How many distinct SQL texts are kept prepared per database. Queries built with a varying number of
 * values (IN lists, bulk inserts) would grow the set without bound; past this they run unprepared.
 */
const KEPT_STATEMENTS = 500;

/**
 * Queries go to PostgreSQL as named statements: each connection parses and plans a query once and
 * reuses the plan, instead of planning it on every call — for the token check, a join of seven
 * tables, planning cost more than running it. Names are per SQL text and shared by every
 * connection; only data statements are named (transaction control and DDL are not).
 */
function withNamedStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  let next = 0;
  const nameOf = (sql: string) => {
    if (!/^\s*(select|insert|update|delete|with)\b/i.test(sql)) return undefined;
    let name = names.get(sql);
    if (name === undefined && names.size < KEPT_STATEMENTS) {
      name = `gb${next++}`;
      names.set(sql, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      // Kysely passes a cursor instead of SQL only when the dialect is given one; this one is not.
      const named: Pick<PostgresPoolClient, 'release'> & { query: (sql: string, values: unknown[]) => unknown } = {
        async query(sql, values) {
          const name = nameOf(sql);
          try {
            return await client.query({ text: sql, values, name });
          } catch (error) {
            // A migration that changed a table's columns under a running server: PostgreSQL refuses
            // a plan whose result columns changed ("cached plan must not change result type"). The
            // query is prepared again under a new name; inside a transaction only the next try can.
            if (name === undefined || (error as { code?: unknown }).code !== '0A000') throw error;
            names.delete(sql);
            if (client.getTransactionStatus() !== 'I') throw error;
            return client.query({ text: sql, values, name: nameOf(sql) });
          }
        },
        release: (destroy) => client.release(destroy),
      };
      return named as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

/**
 * Kysely prepares every query anew; the hot paths (token checks, rotation) run the same few SQL
 * strings over and over, so prepared statements are kept and reused. better-sqlite3 runs a statement
 * to completion synchronously, so one statement object is never used by two queries at once.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (statements.size < KEPT_STATEMENTS) statements.set(sql, statement);
      }
      return statement;
    },
  };
}

// PostgreSQL bigint (int8) columns hold millisecond timestamps: well inside Number's safe range.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function openPostgres(url: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: url, max, types, connectionTimeoutMillis: 5000 });
  // A dropped connection must not crash the process: pg emits 'error' on idle clients through the
  // pool, and on checked-out clients on the client itself (the query in flight rejects anyway).
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: withNamedStatements(pool) }) });
  return {
    db,
    dialect: 'postgres',
    ping: async () => {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

/**
 * Whether an error means the database cannot answer right now (down, restarting, overloaded,
 * locked, re-planning) rather than that the request was wrong: such requests get 503 and may be retried.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // PostgreSQL: 08xxx connection exceptions, 57P0x shutdown / cannot connect now, 53300 too many connections.
    if (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300')
      return true;
  }
  return (
    typeof message === 'string' &&
    // A plan refused inside a transaction after a migration (see withNamedStatements); the retry
    // prepares it anew. A handle already closed (Kysely's "driver has already been destroyed",
    // better-sqlite3's "connection is not open", pg's ended pool) — during a shutdown, or after the
    // database was closed under the server — cannot answer either: 503, like a database that is down.
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|cached plan must not change result type|driver has already been destroyed|The database connection is not open|Cannot use a pool after calling end on the pool/.test(
      message,
    )
  );
}
