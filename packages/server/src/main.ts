import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config/config.js';
import { createServices } from './domain/services.js';
import { systemClock } from './lib/clock.js';
import { openDatabase } from './storage/database.js';
import { migrateToLatest } from './storage/migrate.js';
import { createRepositories, type Repositories } from './storage/repositories/index.js';
import { type WebhookWorker, webhookWorker } from './webhooks/worker.js';

const DAY = 24 * 3600 * 1000;

/** Deletes expired codes, tokens and sessions now and then; failures are logged and retried next time. */
function scheduleJanitor(app: FastifyInstance, config: Config, repos: Repositories): NodeJS.Timeout | undefined {
  if (config.janitorIntervalSeconds === 0) return undefined;
  const sweep = () =>
    repos.janitor.sweep({ now: Date.now(), codeRetentionMs: DAY, revokedRetentionMs: 30 * DAY }).then(
      (deleted) => app.log.info({ deleted }, 'janitor sweep'),
      (error: unknown) => app.log.warn({ err: error }, 'janitor sweep failed'),
    );
  const timer = setInterval(sweep, config.janitorIntervalSeconds * 1000);
  timer.unref();
  return timer;
}

/** Settings that are fine on a laptop and risky on a reachable production port (docs/security.md). */
function warnAboutProductionSettings(app: FastifyInstance, config: Config): void {
  if (config.production && config.metricsToken === undefined) {
    app.log.warn(
      'METRICS_TOKEN is not set: GET /metrics answers anyone who reaches this port. Set METRICS_TOKEN, or keep the port off the public network.',
    );
  }
}

/**
 * Migrates, builds and listens. The first SIGTERM or SIGINT stops accepting connections, lets the
 * requests in flight finish, stops the janitor and closes the database, then exits with code 0
 * (docs/operations.md); a second signal exits at once with code 1.
 */
export async function serve(config: Config): Promise<FastifyInstance> {
  const database = openDatabase(config.databaseUrl, { poolMax: config.dbPoolMax });
  await migrateToLatest(database.db);
  const app = await buildApp(config, { database });
  let janitor: NodeJS.Timeout | undefined;
  let webhooks: WebhookWorker | undefined;
  // Fastify accepts hooks only before it listens. Its own onClose, which waits for the requests in
  // flight, runs before this one, so the database is closed only after the drain.
  app.addHook('onClose', async () => {
    clearInterval(janitor);
    await webhooks?.stop();
    await database.close();
  });
  warnAboutProductionSettings(app, config);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  janitor = scheduleJanitor(app, config, createRepositories(database.db));
  const services = createServices({ config, repos: createRepositories(database.db), clock: systemClock });
  webhooks = webhookWorker({ services, config, clock: systemClock, log: app.log });
  webhooks.start();

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting without waiting for requests in flight');
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'shutting down: no new connections, waiting for requests in flight');
    app.close().then(
      () => {
        app.log.info({ signal }, 'stopped');
        // Exit once the log lines are written; a handle left open must not keep the process alive.
        process.exitCode = 0;
        setTimeout(() => process.exit(), 1000).unref();
      },
      (error: unknown) => {
        app.log.fatal({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  return app;
}
