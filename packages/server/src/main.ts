import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config/config.js';
import { openDatabase } from './storage/database.js';
import { migrateToLatest } from './storage/migrate.js';
import { createRepositories, type Repositories } from './storage/repositories/index.js';

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

/** Migrates, builds and listens; SIGTERM and SIGINT drain in-flight requests, then close the database. */
export async function serve(config: Config): Promise<FastifyInstance> {
  const database = openDatabase(config.databaseUrl, { poolMax: config.dbPoolMax });
  await migrateToLatest(database.db);
  const app = await buildApp(config, { database });
  app.addHook('onClose', () => database.close());
  await app.listen({ port: config.port, host: config.host });
  const janitor = scheduleJanitor(app, config, createRepositories(database.db));
  app.addHook('onClose', async () => clearInterval(janitor));
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return app;
}
