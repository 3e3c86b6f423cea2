import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config/config.js';
import { createServices } from './domain/services.js';
import { loadFixtures, readFixtures } from './fixtures/load.js';
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
 * (docs/operations.md). Requests still in flight after `SHUTDOWN_TIMEOUT_SECONDS` have their
 * connections closed, and the exit code is 1; a second signal exits at once with code 1.
 */
export async function serve(config: Config): Promise<FastifyInstance> {
  // A bad fixtures file stops the start before anything is opened (docs/testing.md).
  const fixtures = config.fixturesPath === undefined ? undefined : readFixtures(config.fixturesPath);
  const database = openDatabase(config.databaseUrl, {
    poolMax: config.dbPoolMax,
    tokenCacheSize: config.tokenCacheSize,
  });
  await migrateToLatest(database.db);
  const repos = createRepositories(database.db, database.tokenCache, database.dialect);
  const services = createServices({ config, repos, clock: systemClock });
  if (fixtures) {
    try {
      await loadFixtures(services, fixtures, config.fixturesPath);
    } catch (error) {
      await database.close();
      throw error;
    }
  }
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
  janitor = scheduleJanitor(app, config, repos);
  webhooks = webhookWorker({ services, config, clock: systemClock, log: app.log });
  webhooks.start();

  let closing = false;
  let deadlinePassed = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting without waiting for requests in flight');
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'shutting down: no new connections, waiting for requests in flight');
    // The drain has a deadline (SHUTDOWN_TIMEOUT_SECONDS): a request that never ends must not keep a
    // stopping process alive until the orchestrator kills it without a word.
    const deadline = setTimeout(() => {
      deadlinePassed = true;
      app.server.getConnections((_error, open) => {
        app.log.error(
          { signal, timeoutSeconds: config.shutdownTimeoutSeconds, openConnections: open },
          'shutdown deadline passed: closing the connections still open',
        );
        app.server.closeAllConnections();
        process.exitCode = 1;
        // The close goes on (the database is closed after the connections); exit even if it does not end.
        setTimeout(() => process.exit(1), 1000).unref();
      });
    }, config.shutdownTimeoutSeconds * 1000);
    deadline.unref();
    app.close().then(
      () => {
        clearTimeout(deadline);
        app.log.info({ signal }, 'stopped');
        // Exit once the log lines are written; a handle left open must not keep the process alive.
        process.exitCode = deadlinePassed ? 1 : 0;
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
