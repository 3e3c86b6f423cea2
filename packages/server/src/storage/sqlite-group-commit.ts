import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

/** What the driver needs of a better-sqlite3 statement; `readonly` tells a write from a read. */
export interface SqliteStatement {
  readonly reader: boolean;
  readonly readonly: boolean;
  all(parameters: readonly unknown[]): unknown[];
  run(parameters: readonly unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/**
 * SQLite with group commit (docs/performance.md "Group commit"). A SQLite commit costs more than the
 * statements of a token rotation: it writes every page the transaction touched to the WAL and sweeps
 * the page cache. So the transactions begun in one turn of the event loop share one SQLite
 * transaction: each is a savepoint inside it, rolled back alone when it fails, and the shared one
 * commits once the turn's transactions are done (`setImmediate`). A transaction's commit — and so
 * any 200 that depends on it — resolves only after that COMMIT; if the COMMIT fails, every
 * transaction in the group fails with it and nothing of theirs is kept.
 *
 * Statements outside a transaction run as they come. One that writes while a group is open joins
 * it, and resolves when the group commits. Reads see an open group's writes before its COMMIT, as
 * reads on one SQLite connection see its own writes; only a COMMIT that fails (a full disk) could have
 * shown a reader a write that is then not kept.
 *
 * The one connection is used by one holder at a time, in arrival order; a holder whose transaction
 * is done lets the next one in while it waits for the group's COMMIT.
 */
export class GroupCommitSqliteDialect implements Dialect {
  constructor(
    private readonly database: SqliteDatabase,
    /** Called after a group's COMMIT failed and it was rolled back (the token cache is emptied). */
    private readonly onRollback: () => void,
  ) {}

  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new GroupCommitDriver(this.database, this.onRollback);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
}

/** The open shared transaction: what its members wait for. */
interface Group {
  committed: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** One holder's use of the connection, from acquire to release. */
class Holder implements DatabaseConnection {
  /** Inside a savepoint of the open group. */
  inTransaction = false;
  /** Gave the connection to the next holder before its release (it waits for the group's COMMIT). */
  leftEarly = false;

  constructor(private readonly driver: GroupCommitDriver) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { result, wrote } = this.driver.run<R>(query);
    if (!wrote || this.inTransaction) return Promise.resolve(result);
    const waiting = this.driver.leaveForCommit(this);
    return waiting ? waiting.then(() => result) : Promise.resolve(result);
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    for (const row of (await this.executeQuery<R>(query)).rows) yield { rows: [row] };
  }
}

class GroupCommitDriver implements Driver {
  readonly #waiting: (() => void)[] = [];
  #held = false;
  #group: Group | undefined;

  constructor(
    private readonly database: SqliteDatabase,
    private readonly onRollback: () => void,
  ) {}

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    const holder = new Holder(this);
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(holder);
    }
    return new Promise((resolve) => this.#waiting.push(() => resolve(holder)));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (!(connection as Holder).leftEarly) this.#handOver();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#group === undefined) this.#open();
    this.#exec('savepoint member');
    (connection as Holder).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const holder = connection as Holder;
    this.#exec('release member');
    holder.inTransaction = false;
    await this.leaveForCommit(holder);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const holder = connection as Holder;
    // After a failed group COMMIT there is nothing left to roll back: the whole group was.
    if (!holder.inTransaction) return;
    this.#exec('rollback to member');
    this.#exec('release member');
    holder.inTransaction = false;
  }

  async destroy(): Promise<void> {
    await this.#whenIdle();
    this.database.close();
  }

  /** Runs one statement; `wrote`: it may have changed the database (an `insert … returning` too). */
  run<R>(query: CompiledQuery): { result: QueryResult<R>; wrote: boolean } {
    const statement = this.database.prepare(query.sql);
    const wrote = !statement.readonly;
    if (statement.reader) return { result: { rows: statement.all(query.parameters) as R[] }, wrote };
    const { changes, lastInsertRowid } = statement.run(query.parameters);
    return { result: { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] }, wrote };
  }

  /**
   * The holder's writes are in the open group: it gives the connection to the next holder and gets
   * the group's COMMIT to wait for. Undefined when no group is open (the write committed alone).
   */
  leaveForCommit(holder: Holder): Promise<void> | undefined {
    const group = this.#group;
    if (group === undefined) return undefined;
    holder.leftEarly = true;
    this.#handOver();
    return group.committed;
  }

  #handOver(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }

  #open(): void {
    // IMMEDIATE: the write lock now, so another process's writer waits here rather than failing later.
    this.#exec('begin immediate');
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const committed = new Promise<void>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    // A member that is not awaited (its request already failed) must not surface as unhandled.
    committed.catch(() => {});
    this.#group = { committed, resolve, reject };
    setImmediate(() => void this.#commit());
  }

  async #commit(): Promise<void> {
    // In turn, like any holder: a transaction still running (across an await of other I/O) ends first.
    await this.acquireConnection();
    const group = this.#group!;
    this.#group = undefined;
    try {
      this.#exec('commit');
      group.resolve();
    } catch (error) {
      try {
        this.#exec('rollback');
      } catch {
        // SQLite rolled back already.
      }
      this.onRollback();
      group.reject(error);
    } finally {
      this.#handOver();
    }
  }

  async #whenIdle(): Promise<void> {
    while (this.#group !== undefined) await this.#group.committed.catch(() => {});
  }

  #exec(sql: string): void {
    this.database.prepare(sql).run([]);
  }
}
