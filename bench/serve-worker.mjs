// One server process of a BENCH_PROCESSES > 1 target (see target.mjs): the configuration comes from
// the environment the primary forked it with; the port is shared through node:cluster.
import { buildApp } from '../packages/server/dist/app.js';
import { loadConfig } from '../packages/server/dist/config/config.js';
import { openDatabase } from '../packages/server/dist/storage/database.js';

const config = loadConfig(process.env, () => {});
const database = openDatabase(config.databaseUrl, { poolMax: config.dbPoolMax, tokenCacheSize: config.tokenCacheSize });
const server = await buildApp(config, { database });
await server.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
