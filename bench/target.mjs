// Grantboard as a target of the side-by-side benchmark harness (see docs/performance.md).
//
// Contract (harness README): listen on HOST:PORT, register CLIENT_ID/CLIENT_SECRET with REDIRECT_URI,
// pre-mint MINT_REFRESH refresh tokens and MINT_CODES codes into BENCH_STATE, print READY.
// Everything is minted through Grantboard's own domain services — the records its grant handlers
// store — with durable, digest-only storage (SQLite file in WAL mode, or PostgreSQL). Each refresh
// token has its own family (grant). The bearer token comes from a real refresh_token grant over HTTP.
//
// BENCH_PROCESSES=2 serves from two server processes (node:cluster workers running serve-worker.mjs,
// sharing the port) on one database, with Redis for the shared rate-limit budgets: the scale-out
// configuration of docs/operations.md. This process prepares the database and mints either way.
import cluster from 'node:cluster';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../packages/server/dist/app.js';
import { loadConfig } from '../packages/server/dist/config/config.js';
import { createServices } from '../packages/server/dist/domain/services.js';
import { systemClock } from '../packages/server/dist/lib/clock.js';
import { openDatabase } from '../packages/server/dist/storage/database.js';
import { migrateToLatest } from '../packages/server/dist/storage/migrate.js';
import { createRepositories } from '../packages/server/dist/storage/repositories/index.js';

const env = process.env;
const state = env.BENCH_STATE;
const port = Number(env.PORT);
const host = env.HOST ?? '127.0.0.1';

async function databaseUrl() {
  if (env.BENCH_DB !== 'postgres') return `sqlite:${join(state, 'grantboard.db')}`;
  const admin = env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `gb_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.href;
}

const processes = Number(env.BENCH_PROCESSES ?? 1);
const serverEnv = {
  ...env,
  NODE_ENV: 'production',
  DATABASE_URL: await databaseUrl(),
  ...(processes > 1 ? { REDIS_URL: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' } : {}),
  PUBLIC_URL: `http://${host}:${port}`,
  GRANTBOARD_SECRET_KEY: 'b'.repeat(64),
  LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  // The harness proves rotation by re-sending the old refresh token at once and expecting a refusal;
  // the grace window would answer it with the identical pair instead.
  REFRESH_REUSE_GRACE_SECONDS: '0',
  // The per-client budget stays on (its cost is measured) but high enough for a one-client benchmark.
  TOKEN_REQUESTS_PER_MINUTE: '100000000',
  RATE_LIMIT_CREDITS_PER_MINUTE: '1000000000',
};
const config = loadConfig(serverEnv, () => {});
const database = openDatabase(config.databaseUrl, {
  poolMax: config.dbPoolMax,
  tokenCacheSize: config.tokenCacheSize,
});
await migrateToLatest(database.db);
const repos = createRepositories(database.db, database.tokenCache, database.dialect);
const services = createServices({ config, repos, clock: systemClock });

const user = await services.accounts.createUser({
  email: 'bench@example.com',
  password: 'bench-password',
  name: 'Bench',
});
const team = await services.accounts.createTeam({ name: 'Bench' });
await services.accounts.addMember(team.id, user.id, 'admin');
const { app } = await services.apps.create({
  name: 'Bench client',
  teamId: team.id,
  createdBy: user.id,
  redirectUris: [env.REDIRECT_URI],
  scopes: env.SCOPE.split(' '),
  expiring: true,
  clientId: env.CLIENT_ID,
  clientSecret: env.CLIENT_SECRET,
});
await services.installs.install(app, team.id, user.id, env.SCOPE.split(' '));
const grant = { userId: user.id, teamId: team.id, scopes: env.SCOPE.split(' ') };

async function mint(count, one) {
  const out = [];
  for (let i = 0; i < count; i += 256) {
    for (const value of await Promise.all(Array.from({ length: Math.min(256, count - i) }, one))) out.push(value);
  }
  return out;
}
// BENCH_FAMILIES: live grants to have in the database besides the ones the run uses, to measure
// how throughput holds as the token tables grow (bench/growth.sh).
await mint(Number(env.BENCH_FAMILIES ?? 0), async () => void (await services.tokens.issue(app, grant)));
const refreshTokens = await mint(
  Number(env.MINT_REFRESH),
  async () => (await services.tokens.issue(app, grant)).refresh_token,
);
const request = {
  app,
  redirectUri: env.REDIRECT_URI,
  state: undefined,
  teamId: team.id,
  scopes: env.SCOPE.split(' '),
  codeChallenge: undefined,
};
const codes = await mint(Number(env.MINT_CODES), () => services.authorization.issueCode(request, user.id, team.id));

let stop;
if (processes > 1) {
  cluster.setupPrimary({ exec: new URL('serve-worker.mjs', import.meta.url).pathname });
  const workers = Array.from({ length: processes }, () => cluster.fork(serverEnv));
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('listening', resolve))));
  stop = () => Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve).kill())));
} else {
  const server = await buildApp(config, { database });
  await server.listen({ port, host });
  stop = () => server.close();
}
const seedRefresh = (await services.tokens.issue(app, grant)).refresh_token;
const response = await fetch(`${config.publicUrl}/v1/oauth/token`, {
  method: 'POST',
  headers: { authorization: `Basic ${Buffer.from(`${env.CLIENT_ID}:${env.CLIENT_SECRET}`).toString('base64')}` },
  body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: seedRefresh }),
});
const { access_token: accessToken } = await response.json();

writeFileSync(join(state, 'access_token.txt'), `${accessToken}\n`);
writeFileSync(join(state, 'refresh_tokens.txt'), `${refreshTokens.join('\n')}\n`);
writeFileSync(join(state, 'codes.txt'), `${codes.join('\n')}\n`);
writeFileSync(
  join(state, 'endpoints.env'),
  [
    'TOKEN_PATH=/v1/oauth/token',
    `RESOURCE_PATH=${env.BENCH_RESOURCE_PATH ?? '/v1/oauth-token'}`,
    'INTROSPECT_PATH=/oauth/introspect',
  ].join('\n'),
);
console.log(`READY grantboard on ${config.databaseUrl.split(':')[0]}`);
process.on('SIGTERM', () => stop().then(() => process.exit(0)));

// BENCH_CPU_PROFILE=FILE: the first SIGUSR2 starts a CPU profile, the second writes it to FILE, so a
// profile holds the measured window alone, not start-up and minting (docs/performance.md).
if (env.BENCH_CPU_PROFILE) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  let profiling = false;
  process.on('SIGUSR2', async () => {
    if (!profiling) {
      profiling = true;
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      return;
    }
    profiling = false;
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(env.BENCH_CPU_PROFILE, JSON.stringify(profile));
  });
}

// BENCH_STATEMENT_TIMES=FILE: between the same two SIGUSR2s, the time spent in each SQLite statement
// (better-sqlite3's run/get/all/iterate, by SQL text), written to FILE as JSON (docs/performance.md).
if (env.BENCH_STATEMENT_TIMES && database.dialect === 'sqlite') {
  const Sqlite = createRequire(new URL('../packages/server/package.json', import.meta.url))('better-sqlite3');
  const statement = Object.getPrototypeOf(new Sqlite(':memory:').prepare('select 1'));
  const times = new Map();
  let measuring = false;
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = statement[method];
    statement[method] = function timed(...args) {
      if (!measuring) return original.apply(this, args);
      const start = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        const entry = times.get(this.source) ?? { calls: 0, ns: 0 };
        entry.calls += 1;
        entry.ns += Number(process.hrtime.bigint() - start);
        times.set(this.source, entry);
      }
    };
  }
  process.on('SIGUSR2', () => {
    measuring = !measuring;
    if (measuring) return times.clear();
    const rows = [...times].map(([sql, { calls, ns }]) => ({ sql, calls, ms: ns / 1e6, usPerCall: ns / calls / 1e3 }));
    writeFileSync(
      env.BENCH_STATEMENT_TIMES,
      JSON.stringify(
        rows.sort((a, b) => b.ms - a.ms),
        null,
        1,
      ),
    );
  });
}
