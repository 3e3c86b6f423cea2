import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Tables } from './schema.js';
import { GroupCommitSqliteDialect, type SqliteDatabase, type SqliteStatement } from './sqlite-group-commit.js';
import { type CacheFreshness, createTokenCache, isTokenWrite, TOKEN_CHANNEL, type TokenCache } from './token-cache.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Tables>;
  dialect: Dialect;
  /** The validated-token cache of this process, kept fresh by this database (storage/token-cache.ts). */
  tokenCache: TokenCache;
  /** Whether the database answers; for `/readyz`. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  poolMax?: number;
  /** Refuse to create a SQLite file that is not there (commands that only read or change records). */
  mustExist?: boolean;
  /** Entries of the validated-token cache (`TOKEN_CACHE_SIZE`); 0 turns it off. */
  tokenCacheSize?: number;
}

const DEFAULT_TOKEN_CACHE_SIZE = 10_000;

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
    return openSqlite(path, options.tokenCacheSize ?? DEFAULT_TOKEN_CACHE_SIZE);
  }
  return openPostgres(url, options.poolMax ?? 10, options.tokenCacheSize ?? DEFAULT_TOKEN_CACHE_SIZE);
}

function openSqlite(path: string, tokenCacheSize: number): Database {
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
  // Token keys are time-ordered (lib/tokens.ts), but a rotation still reads and adds index entries
  // where its family sits, a random page of indexes that grow with the live families. A page cache
  // of up to 256 MiB (filled only as pages are read) and memory-mapped reads keep those pages in
  // memory: with a million families, refresh ran at 4,431 and 3,684 req/s with 64 MiB, 5,107 and
  // 4,890 with 256 MiB (docs/performance.md).
  sqlite.pragma('cache_size = -262144');
  sqlite.pragma('mmap_size = 268435456');
  const checkpointer = path === ':memory:' ? undefined : startCheckpointer(path);
  // Another connection's commit (another process on the file) changes `data_version`; this
  // connection's own commits do not, and are seen by the driver instead (withStatementCache).
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  let seenVersion = dataVersion.get();
  const freshness: CacheFreshness = {
    changedElsewhere() {
      const version = dataVersion.get();
      if (version === seenVersion) return false;
      seenVersion = version;
      return true;
    },
    maxAgeMs: () => undefined,
    announcesFamilies: false,
  };
  const tokenCache = createTokenCache(tokenCacheSize, freshness);
  const db = new Kysely<Tables>({
    dialect: new GroupCommitSqliteDialect(withStatementCache(sqlite, tokenCache), () => tokenCache.clear()),
  });
  return {
    db,
    dialect: 'sqlite',
    tokenCache,
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
function withNamedStatements(pool: pg.Pool, tokenCache: TokenCache): PostgresPool {
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
      // A token write inside a transaction empties the cache again when the transaction ends: a
      // check on another connection may have read the old row before the commit.
      let wroteTokens = false;
      // Kysely passes a cursor instead of SQL only when the dialect is given one; this one is not.
      const named: Pick<PostgresPoolClient, 'release'> & { query: (sql: string, values: unknown[]) => unknown } = {
        async query(sql, values) {
          const name = nameOf(sql);
          try {
            const result = await client.query({ text: sql, values, name });
            if (isTokenWrite(sql)) {
              tokenCache.clear();
              // Delivered to every listening process when the transaction commits (or at once outside one).
              await client.query({ text: NOTIFY_ALL, values: [TOKEN_CHANNEL, ''], name: 'gb_notify' });
              wroteTokens = client.getTransactionStatus() !== 'I';
            } else if (wroteTokens && /^\s*(commit|rollback)\b/i.test(sql)) {
              wroteTokens = false;
              tokenCache.clear();
            }
            return result;
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

/** Token writes are announced to the other processes' caches on TOKEN_CHANNEL (storage/token-cache.ts). */
const NOTIFY_ALL = 'select pg_notify($1, $2)';

/**
 * Kysely prepares every query anew; the hot paths (token checks, rotation) run the same few SQL
 * strings over and over, so prepared statements are kept and reused. better-sqlite3 runs a statement
 * to completion synchronously, so one statement object is never used by two queries at once.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, tokenCache: TokenCache): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = isTokenWrite(sql) ? clearingCache(sqlite.prepare(sql), tokenCache) : sqlite.prepare(sql);
        if (statements.size < KEPT_STATEMENTS) statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * A statement that empties the token cache as it runs. Statements on the one SQLite connection run
 * one at a time (storage/sqlite-group-commit.ts), so no check can read the old row between this and
 * the commit.
 */
function clearingCache(statement: BetterSqlite3.Statement, tokenCache: TokenCache): SqliteStatement {
  return {
    reader: statement.reader,
    readonly: statement.readonly,
    all(parameters: ReadonlyArray<unknown>) {
      tokenCache.clear();
      return statement.all(parameters);
    },
    run(parameters: ReadonlyArray<unknown>) {
      tokenCache.clear();
      return statement.run(parameters);
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

/**
 * Listens for token writes of every process on the database (withNamedStatements sends them) and
 * empties the cache on each. While not listening — before the first connection, after a drop —
 * entries live at most `UNLISTENED_MAX_AGE_MS`, and the cache is emptied on every (re)connect,
 * since notifications sent meanwhile are lost.
 */
function listenForTokenWrites(
  url: string,
  tokenCache: TokenCache,
): { freshness: CacheFreshness; stop(): Promise<void> } {
  let listening = false;
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const next = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5000 });
    client = next;
    const lost = () => {
      if (client !== next) return;
      listening = false;
      client = undefined;
      next.end().catch(() => {});
      if (!stopped) retry = setTimeout(connect, 250).unref();
    };
    next.on('error', lost);
    next.on('end', lost);
    next.on('notification', (message) => {
      const family = message.payload?.startsWith('family:') ? message.payload.slice('family:'.length) : undefined;
      if (family === undefined) tokenCache.clear();
      else tokenCache.evictFamily(family);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${TOKEN_CHANNEL}`);
      if (client !== next) return;
      tokenCache.clear();
      listening = true;
    } catch {
      lost();
    }
  };
  void connect();
  return {
    freshness: {
      changedElsewhere: () => false,
      maxAgeMs: () => (listening ? undefined : UNLISTENED_MAX_AGE_MS),
      announcesFamilies: true,
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const last = client;
      client = undefined;
      listening = false;
      await last?.end().catch(() => {});
    },
  };
}

/** docs/security.md: on PostgreSQL a revocation reaches every process's cache within one second. */
const UNLISTENED_MAX_AGE_MS = 1000;

function openPostgres(url: string, max: number, tokenCacheSize: number): Database {
  const pool = new pg.Pool({ connectionString: url, max, types, connectionTimeoutMillis: 5000 });
  // A dropped connection must not crash the process: pg emits 'error' on idle clients through the
  // pool, and on checked-out clients on the client itself (the query in flight rejects anyway).
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  // The cache is only consulted once it is created; the listener empties it as it connects.
  let listener: ReturnType<typeof listenForTokenWrites> | undefined;
  const tokenCache = createTokenCache(tokenCacheSize, {
    changedElsewhere: () => false,
    maxAgeMs: () => (listener ? listener.freshness.maxAgeMs() : UNLISTENED_MAX_AGE_MS),
    // Even without a cache of its own (a CLI, `TOKEN_CACHE_SIZE=0`), a process announces: the others have one.
    announcesFamilies: true,
  });
  if (tokenCacheSize > 0) listener = listenForTokenWrites(url, tokenCache);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: withNamedStatements(pool, tokenCache) }) });
  return {
    db,
    dialect: 'postgres',
    tokenCache,
    ping: async () => {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      await listener?.stop();
      await db.destroy();
    },
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
