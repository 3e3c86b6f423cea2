import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../src/domain/services.js';
import { systemClock } from '../src/lib/clock.js';
import { tokenKey } from '../src/lib/tokens.js';
import { createRepositories, type Repositories } from '../src/storage/repositories/index.js';
import { type Seed, seed, testConfig } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

// storage/sqlite-group-commit.ts: the transactions of one turn of the event loop share one SQLite
// commit. Each still succeeds or fails alone, and none resolves before the commit is on disk, as
// another connection to the file sees it.

describe('group commit on SQLite', () => {
  let db: TestDatabase;
  let services: Services;
  let repos: Repositories;
  let data: Seed;
  /** Another connection to the file: it sees only what was committed. */
  let other: BetterSqlite3.Database;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    repos = createRepositories(db.database.db, db.database.tokenCache, 'sqlite');
    services = createServices({ config: testConfig({ DATABASE_URL: db.url }), repos, clock: systemClock });
    data = await seed(services);
    other = new BetterSqlite3(db.url.slice('sqlite:'.length), { readonly: true });
  });
  afterAll(async () => {
    other?.close();
    await db?.drop();
  });

  const grant = () => ({ userId: data.alice.id, teamId: data.teamId, scopes: ['boards:read'] });
  const committedFamilies = () => (other.prepare('select count(*) as n from token_families').get() as { n: number }).n;

  it('resolves a transaction only once another connection sees it', async () => {
    const before = committedFamilies();
    const issued = await Promise.all(
      Array.from({ length: 20 }, async () => {
        await services.tokens.issue(data.expiringApp, grant());
        // Every family issued so far in this batch is committed by the time this one resolves.
        return committedFamilies();
      }),
    );
    expect(Math.min(...issued)).toBeGreaterThanOrEqual(before + 1);
    expect(committedFamilies()).toBe(before + 20);
  });

  it('answers a write outside a transaction, made while a group is open, once that group committed', async () => {
    const countAudit = () =>
      (other.prepare("select count(*) as n from audit_events where type = 'token_revoked'").get() as { n: number }).n;
    const before = countAudit();
    const record = () =>
      repos.audit.record({
        type: 'token_revoked',
        at: Date.now(),
        actorId: data.alice.id,
        appId: data.expiringApp.id,
        teamId: data.teamId,
        userId: data.alice.id,
        detail: { familyId: 'group-commit-test', by: 'user' },
      });
    let outside!: Promise<void>;
    let ran!: () => void;
    const callbackRan = new Promise<void>((resolve) => {
      ran = resolve;
    });
    const transaction = db.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('audit_events')
        .values({ id: 'group-commit-test', at: Date.now(), type: 'token_revoked', detail: '{}' })
        .execute();
      // Queued behind this transaction, it runs in the group this one opened.
      outside = record();
      ran();
    });
    await callbackRan;
    await outside;
    expect(countAudit()).toBe(before + 2);
    await transaction;
  });

  it('rolls back a refused rotation alone and keeps its neighbours in the same commit', async () => {
    const refreshTokens = await Promise.all(
      Array.from({ length: 40 }, async () => (await services.tokens.issue(data.expiringApp, grant())).refresh_token!),
    );
    // The first 30 rotate; the last 10 ask for a scope the grant does not hold and are refused
    // inside their transactions, in the same turns as the others.
    const results = await Promise.allSettled(
      refreshTokens.map((token, i) =>
        services.tokens.refresh(data.expiringApp, token, i < 30 ? undefined : ['boards:write']),
      ),
    );
    const rotated = results.slice(0, 30).map((result) => {
      expect(result.status).toBe('fulfilled');
      return (result as PromiseFulfilledResult<{ refresh_token?: string }>).value.refresh_token!;
    });
    for (const result of results.slice(30)) {
      expect(result.status).toBe('rejected');
      expect(String((result as PromiseRejectedResult).reason)).toMatch(/boards:write/);
    }
    // Seen from another connection: the 30 rotations are committed, the 10 refused ones left nothing.
    const rotatedAt = (token: string) =>
      (
        other.prepare('select rotated_at from refresh_tokens where digest = ?').get(tokenKey(token)) as
          | { rotated_at: number | null }
          | undefined
      )?.rotated_at;
    for (const token of refreshTokens.slice(0, 30)) expect(rotatedAt(token)).toEqual(expect.any(Number));
    for (const token of rotated) expect(rotatedAt(token)).toBeNull();
    for (const token of refreshTokens.slice(30)) expect(rotatedAt(token)).toBeNull();
  });
});
