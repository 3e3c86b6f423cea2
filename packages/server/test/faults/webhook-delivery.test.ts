import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/domain/services.js';
import { systemClock } from '../../src/lib/clock.js';
import { createRepositories } from '../../src/storage/repositories/index.js';
import { type Seed, seed, testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { DIALECTS } from '../helpers/dialects.js';
import { basic } from '../helpers/oauth.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

describe.each(DIALECTS)('webhook delivery across server processes on %s', (dialect) => {
  let db: TestDatabase | undefined;
  let receiver: WebhookReceiver | undefined;
  const servers: ServerProcess[] = [];

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop('SIGKILL');
    await receiver?.close();
    await db?.drop();
  });

  async function setUp(): Promise<{ services: Services; data: Seed; db: TestDatabase }> {
    db = await createTestDatabase(dialect);
    const services = createServices({
      config: testConfig({ DATABASE_URL: db.url }),
      repos: createRepositories(db.database.db),
      clock: systemClock,
    });
    return { services, data: await seed(services), db };
  }

  async function start(env: Record<string, string>): Promise<ServerProcess> {
    const server = await startServerProcess({ DATABASE_URL: db!.url, WEBHOOK_POLL_INTERVAL_MS: '20', ...env });
    servers.push(server);
    return server;
  }

  it('loses no event to a kill -9 between commit and delivery: the next process delivers it', async () => {
    const { services, data, db } = await setUp();
    const grant = { userId: data.alice.id, teamId: data.teamId, scopes: ['boards:read'] };
    const tokens = await services.tokens.issue(data.expiringApp, grant);
    receiver = await startWebhookReceiver();
    const { secret } = await services.webhooks.addEndpoint(data.orgId, data.alice.id, receiver.url);
    // The first delivery reaches the endpoint, which does not answer: the process dies holding it.
    receiver.answers.push('hold');
    const first = await start({ WEBHOOK_TIMEOUT_SECONDS: '2' });
    const revoked = await fetch(`${first.url}/oauth/revoke`, {
      method: 'POST',
      headers: { authorization: basic(data.expiringApp.id, data.expiringSecret) },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    expect(revoked.status).toBe(200);
    await receiver.waitFor(1);
    first.child.kill('SIGKILL');
    expect((await first.stop()).signal).toBe('SIGKILL');

    const second = await start({ WEBHOOK_TIMEOUT_SECONDS: '2' });
    await receiver.waitFor(2);
    const [lost, delivered] = receiver.received;
    expect(delivered!.headers['webhook-id']).toBe(lost!.headers['webhook-id']);
    const payload = new Webhook(secret).verify(delivered!.body, delivered!.headers as Record<string, string>) as {
      type: string;
      data: { reason: string };
    };
    expect(payload).toMatchObject({ type: 'authorization.revoked', data: { reason: 'revoked' } });
    await second.waitForOutput(/webhook delivered/);
    const rows = await db.database.db.selectFrom('webhook_deliveries').select(['status']).execute();
    expect(rows).toEqual([{ status: 'delivered' }]);
    // Neither process ever wrote the signing secret to its log.
    for (const output of [first.output(), second.output()]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(secret.slice('whsec_'.length));
      expect(output).not.toMatch(/whsec_/);
    }
  }, 60_000);

  it('delivers each event exactly once when two processes run workers on one database', async () => {
    const { services, data, db } = await setUp();
    receiver = await startWebhookReceiver();
    const { secret } = await services.webhooks.addEndpoint(data.orgId, data.alice.id, receiver.url);
    // One after the other: two cold starts at once can outlast the helper's start-up wait on a busy machine.
    await start({});
    await start({});
    const grant = { userId: data.alice.id, teamId: data.teamId, scopes: ['boards:read'] };
    for (let i = 0; i < 30; i++) await services.tokens.issue(data.nonExpiringApp, grant);
    await receiver.waitFor(30);
    // Each worker records its attempt just after the endpoint answered.
    const settled = () =>
      db.database.db
        .selectFrom('webhook_deliveries')
        .select(['status', 'attempts'])
        .where('status', '=', 'pending')
        .execute();
    while ((await settled()).length > 0) await new Promise((r) => setTimeout(r, 20));
    const rows = await db.database.db.selectFrom('webhook_deliveries').select(['status', 'attempts']).execute();
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(30);
    const verifier = new Webhook(secret);
    for (const r of receiver.received) verifier.verify(r.body, r.headers as Record<string, string>);
  }, 60_000);
});
