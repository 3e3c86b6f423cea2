import type { Kysely } from 'kysely';

/**
 * The few things {@link SqlTokenStore} needs from a database: run one statement and get its rows.
 * Adapters exist for better-sqlite3, node-postgres and Kysely; anything else can implement this.
 */

/** A value bound to a statement parameter. */
export type SqlValue = string | number | null;

/** The SQL dialects the store speaks. */
export type SqlDialect = 'sqlite' | 'postgres';

/** A minimal query interface over one database. */
export interface SqlAdapter {
  /** Which SQL the store must write: placeholders are `?` for SQLite and `$1…` for PostgreSQL. */
  readonly dialect: SqlDialect;
  /** Runs one statement with its parameters and returns the rows it produced (none for most writes). */
  query(sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
}

/** The part of a better-sqlite3 `Database` the adapter uses. */
export interface BetterSqlite3Like {
  prepare(sql: string): {
    readonly reader: boolean;
    all(...params: unknown[]): unknown[];
    run(...params: unknown[]): unknown;
  };
}

/** The part of a node-postgres `Pool` or `Client` the adapter uses. */
export interface PgQueryableLike {
  query(text: string, values: SqlValue[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** An adapter over a better-sqlite3 `Database` (synchronous; SQLite serialises writers itself). */
export function betterSqlite3Adapter(db: BetterSqlite3Like): SqlAdapter {
  return {
    dialect: 'sqlite',
    async query(sql, params) {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
      statement.run(...params);
      return [];
    },
  };
}

/** An adapter over a node-postgres `Pool` (or a single `Client`). */
export function pgAdapter(pool: PgQueryableLike): SqlAdapter {
  return {
    dialect: 'postgres',
    async query(sql, params) {
      return (await pool.query(sql, [...params])).rows;
    },
  };
}

/**
 * An adapter over a Kysely instance (SQLite or PostgreSQL dialect). The dialect is detected from
 * how Kysely compiles a placeholder unless given. `kysely` is loaded only when this adapter runs.
 */
export function kyselyAdapter<DB>(db: Kysely<DB>, dialect?: SqlDialect): SqlAdapter {
  const probe = db.selectNoFrom((eb) => eb.val(1).as('one')).compile().sql;
  const detected: SqlDialect = dialect ?? (probe.includes('$1') ? 'postgres' : 'sqlite');
  let compiledQuery: Promise<typeof import('kysely').CompiledQuery> | undefined;
  return {
    dialect: detected,
    async query(sql, params) {
      compiledQuery ??= import('kysely').then((module) => module.CompiledQuery);
      const CompiledQuery = await compiledQuery;
      const result = await db.executeQuery(CompiledQuery.raw(sql, [...params]));
      return result.rows as Record<string, unknown>[];
    },
  };
}
