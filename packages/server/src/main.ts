import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config/config.js';
import { openDatabase } from './storage/database.js';
import { migrateToLatest } from './storage/migrate.js';

/** Migrates, builds and listens; SIGTERM and SIGINT drain in-flight requests, then close the database. */
export async function serve(config: Config): Promise<FastifyInstance> {
  const database = openDatabase(config.databaseUrl, { poolMax: config.dbPoolMax });
  await migrateToLatest(database.db);
  const app = await buildApp(config, { database });
  app.addHook('onClose', () => database.close());
  await app.listen({ port: config.port, host: config.host });
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
