import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Tables } from './schema.js';

const MARK = '\u0000grantboard-argument-';

/**
 * A query built and compiled once, then run with new arguments. Kysely builds and compiles a query
 * anew on every call, which on the hot paths (token checks, rotation, code redemption) costs more
 * than the database work itself. `build` gets placeholders in place of its arguments; each must
 * reach the query as a bound value. Prepare per database: the SQL depends on the dialect.
 */
export function prepare<A extends unknown[], R>(
  db: Kysely<Tables>,
  build: (db: Kysely<Tables>, ...args: A) => Compilable<R>,
): (executor: Kysely<Tables>, ...args: A) => Promise<QueryResult<R>> {
  let template: { query: CompiledQuery<R>; slots: number[] } | undefined;
  return (executor, ...args) => {
    if (!template) {
      const marks = args.map((_, i) => `${MARK}${i}`) as A;
      const query = build(db, ...marks).compile();
      const slots = query.parameters.map((p) =>
        typeof p === 'string' && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : -1,
      );
      const missing = args.findIndex((_, i) => !slots.includes(i));
      if (missing !== -1) throw new Error(`prepared query: argument ${missing} is not a bound value`);
      template = { query, slots };
    }
    const { query, slots } = template;
    const parameters = query.parameters.map((p, i) => (slots[i]! >= 0 ? args[slots[i]!] : p));
    return executor.executeQuery({ ...query, parameters });
  };
}

/**
 * `prepare` for a statement that runs on whichever database its caller is in (the outbox's, written
 * inside many repositories' transactions): compiled on first use for each dialect, known by the
 * executor's adapter, which a database shares with its transactions.
 */
export function prepareForAny<A extends unknown[], R>(
  build: (db: Kysely<Tables>, ...args: A) => Compilable<R>,
): (executor: Kysely<Tables>, ...args: A) => Promise<QueryResult<R>> {
  const perDialect = new WeakMap<object, (executor: Kysely<Tables>, ...args: A) => Promise<QueryResult<R>>>();
  return (executor, ...args) => {
    const adapter = executor.getExecutor().adapter;
    let prepared = perDialect.get(adapter);
    if (prepared === undefined) {
      prepared = prepare(executor, build);
      perDialect.set(adapter, prepared);
    }
    return prepared(executor, ...args);
  };
}
