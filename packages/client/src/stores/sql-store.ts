import type { Kysely } from 'kysely';
import { randomToken } from '../encoding.js';
import type { Clock, LockLease, PendingAuthorization, TokenSet, TokenStore } from '../token-store.js';
import { decodePending, decodeTokenSet, encode } from './codec.js';
import { kyselyAdapter, type SqlAdapter, type SqlValue } from './sql-adapters.js';

export {
  type BetterSqlite3Like,
  betterSqlite3Adapter,
  kyselyAdapter,
  type PgQueryableLike,
  pgAdapter,
  type SqlAdapter,
  type SqlDialect,
  type SqlValue,
} from './sql-adapters.js';

/** Options of {@link SqlTokenStore}. */
export interface SqlTokenStoreOptions {
  /**
   * The database: a Kysely instance (SQLite or PostgreSQL dialect), or an adapter —
   * {@link betterSqlite3Adapter}, {@link pgAdapter}, {@link kyselyAdapter} or your own.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any database schema
  adapter: SqlAdapter | Kysely<any>;
  /** The table to use; created when missing. Default `grantboard_client_tokens`. */
  tableName?: string;
  /** Time source for lock and pending-request expiry; defaults to `Date`. Processes sharing a database need synchronised clocks. */
  clock?: Clock;
}

type Kind = 'token' | 'state' | 'lock';

/**
 * A {@link TokenStore} in one table of a SQLite or PostgreSQL database, for apps that already have
 * one. Rows are `(kind, id) → value`: token sets, pending requests, and refresh-lock lease rows.
 * A lock is taken with one compare-and-set upsert that only replaces an expired lease, so two
 * processes can never both hold it. Import from `@grantboard/client/sql`.
 */
export class SqlTokenStore implements TokenStore {
  /** The table the store uses. */
  readonly tableName: string;
  readonly #adapter: SqlAdapter;
  readonly #clock: Clock;
  #ready: Promise<void> | undefined;

  /** Creates a store; the table is created on first use (or call {@link SqlTokenStore.migrate}). */
  constructor(options: SqlTokenStoreOptions) {
    const table = options.tableName ?? 'grantboard_client_tokens';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(table)) throw new TypeError(`not a plain SQL identifier: ${table}`);
    this.tableName = table;
    const { adapter } = options;
    this.#adapter = 'query' in adapter && 'dialect' in adapter ? adapter : kyselyAdapter(adapter);
    this.#clock = options.clock ?? Date;
  }

  /** Creates the table if it does not exist. Safe to call from several processes at once. */
  migrate(): Promise<void> {
    this.#ready ??= this.#createTable().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #createTable(): Promise<void> {
    const ddl = `CREATE TABLE IF NOT EXISTS ${this.tableName} (
      kind VARCHAR(16) NOT NULL,
      id VARCHAR(1024) NOT NULL,
      value TEXT NOT NULL,
      expires_at BIGINT,
      PRIMARY KEY (kind, id)
    )`;
    try {
      await this.#adapter.query(ddl, []);
    } catch (error) {
      // PostgreSQL: two concurrent CREATE TABLE IF NOT EXISTS can still collide on the catalog's
      // unique index; the loser finds the table there on a second try.
      await this.#adapter.query(ddl, []).catch(() => Promise.reject(error));
    }
  }

  /** Runs `sql` written with `?` placeholders, rewritten to `$n` for PostgreSQL. */
  async #query(sql: string, params: SqlValue[]): Promise<Record<string, unknown>[]> {
    await this.migrate();
    let n = 0;
    const text = this.#adapter.dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql;
    return this.#adapter.query(text, params);
  }

  async #get(kind: Kind, id: string): Promise<string | undefined> {
    const rows = await this.#query(`SELECT value FROM ${this.tableName} WHERE kind = ? AND id = ?`, [kind, id]);
    const value = rows[0]?.value;
    return typeof value === 'string' ? value : undefined;
  }

  async #put(kind: Kind, id: string, value: string, expiresAt: number | null): Promise<void> {
    await this.#query(
      `INSERT INTO ${this.tableName} (kind, id, value, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      [kind, id, value, expiresAt],
    );
  }

  async #delete(kind: Kind, id: string): Promise<void> {
    await this.#query(`DELETE FROM ${this.tableName} WHERE kind = ? AND id = ?`, [kind, id]);
  }

  /** {@inheritDoc TokenStore.getTokens} */
  async getTokens(userKey: string): Promise<TokenSet | undefined> {
    const text = await this.#get('token', userKey);
    return text === undefined ? undefined : decodeTokenSet(text);
  }

  /** {@inheritDoc TokenStore.setTokens} */
  async setTokens(userKey: string, tokens: TokenSet): Promise<void> {
    await this.#put('token', userKey, encode(tokens), null);
  }

  /** {@inheritDoc TokenStore.deleteTokens} */
  async deleteTokens(userKey: string): Promise<void> {
    await this.#delete('token', userKey);
  }

  /** {@inheritDoc TokenStore.putPendingAuthorization} */
  async putPendingAuthorization(state: string, pending: PendingAuthorization): Promise<void> {
    // Callbacks that never arrived are cleaned up here, as they expire.
    await this.#query(`DELETE FROM ${this.tableName} WHERE kind = 'state' AND expires_at <= ?`, [this.#clock.now()]);
    await this.#put('state', state, encode(pending), pending.expiresAt);
  }

  /** {@inheritDoc TokenStore.takePendingAuthorization} */
  async takePendingAuthorization(state: string): Promise<PendingAuthorization | undefined> {
    // One DELETE … RETURNING: of two concurrent takers, only one gets the row.
    const rows = await this.#query(`DELETE FROM ${this.tableName} WHERE kind = 'state' AND id = ? RETURNING value`, [
      state,
    ]);
    const value = rows[0]?.value;
    const pending = typeof value === 'string' ? decodePending(value) : undefined;
    return pending && pending.expiresAt > this.#clock.now() ? pending : undefined;
  }

  /** {@inheritDoc TokenStore.tryAcquireLock} */
  async tryAcquireLock(name: string, ttlMs: number): Promise<LockLease | undefined> {
    const owner = randomToken(16);
    const now = this.#clock.now();
    // Compare-and-set on the lease row: insert it, or take it over only if the current lease has
    // expired. The row lock taken by the upsert makes the check and the write one atomic step.
    const rows = await this.#query(
      `INSERT INTO ${this.tableName} (kind, id, value, expires_at) VALUES ('lock', ?, ?, ?)
       ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE ${this.tableName}.expires_at <= ?
       RETURNING value`,
      [name, owner, now + Math.ceil(ttlMs), now],
    );
    return rows[0]?.value === owner ? { name, owner } : undefined;
  }

  /** {@inheritDoc TokenStore.releaseLock} */
  async releaseLock(lease: LockLease): Promise<void> {
    await this.#query(`DELETE FROM ${this.tableName} WHERE kind = 'lock' AND id = ? AND value = ?`, [
      lease.name,
      lease.owner,
    ]);
  }
}
