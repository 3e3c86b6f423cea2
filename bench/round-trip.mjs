// npm run bench:round-trip — the whole authorization round trip under load, beside the Fastify floor.
//
// One round trip is what a user and an app do to connect: the signed-in user opens the authorization
// link (GET /oauth/authorize renders the consent page), allows (POST /oauth/authorize answers 303 to
// the redirect URI with a code) and the app exchanges the code (POST /v1/oauth/token). The load comes
// from this process, pinned to core 1 (`taskset -c 1` in package.json); the server runs pinned to
// core 0. Each of CONNS loops runs round trips back to back over keep-alive connections.
//
// The floor is the bare Fastify hello server driven by the same loops, three GETs per round trip, in
// the same run: the ratio is Grantboard's round trips per second over the floor's.
// Knobs: DURATION (s, default 10), WARMUP (s, 5), CONNS (64), TARGETS (sqlite,postgres),
// SERVER_NODE_ARGS.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const DURATION = Number(env.DURATION ?? 10);
const WARMUP = Number(env.WARMUP ?? 5);
const CONNS = Number(env.CONNS ?? 64);
const PORT = Number(env.PORT ?? 38090);
const CLIENT_ID = '3458764500000000001';
const CLIENT_SECRET = 'bench-secret-0123456789abcdef';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const origin = `http://127.0.0.1:${PORT}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNS });

/** One HTTP request over the shared keep-alive agent; resolves with status, headers and body. */
function send(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(`${origin}${path}`, { method, agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

const form = (fields) => ({
  'content-type': 'application/x-www-form-urlencoded',
  body: new URLSearchParams(fields).toString(),
});

/** Starts a server script pinned to core 0 and waits for the line that says it is ready. */
function startServer(script, extraEnv) {
  // SERVER_NODE_ARGS go to the server's node only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles`.
  const nodeArgs = (env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn('taskset', ['-c', env.SERVER_CPU ?? '0', 'node', ...nodeArgs, script], {
    env: { ...env, ...extraEnv, PORT: String(PORT), HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('READY')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

async function stopServer(child) {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Signs the bench user in through the sign-in page; returns the session cookie header. */
async function signIn() {
  const cookies = new Map();
  const keep = (response) => {
    for (const line of [response.headers['set-cookie'] ?? []].flat()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const header = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const page = await send('GET', '/signin');
  keep(page);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const { body, ...headers } = form({ csrf, email: 'bench@example.com', password: 'bench-password', return_to: '/' });
  const signedIn = await send('POST', '/signin', { headers: { ...headers, cookie: header() }, body });
  if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
  keep(signedIn);
  return header();
}

const authorizePath = `/oauth/authorize?${new URLSearchParams({
  response_type: 'code',
  client_id: CLIENT_ID,
  redirect_uri: REDIRECT_URI,
  scope: 'boards:read',
})}`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

/** authorize → consent → exchange; throws unless every step answers as a browser and an app expect. */
async function grantboardRoundTrip(cookie) {
  const page = await send('GET', authorizePath, { headers: { cookie } });
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}`);
  const fields = {};
  for (const match of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]] = match[2].replaceAll('&amp;', '&').replaceAll('&quot;', '"');
  }
  const team = /<option value="(\d+)" selected>/.exec(page.body)?.[1];
  const { body, ...headers } = form({ ...fields, ...(team ? { team_id: team } : {}), decision: 'allow' });
  const decided = await send('POST', '/oauth/authorize', { headers: { ...headers, cookie }, body });
  const code = decided.status === 303 ? new URL(decided.headers.location).searchParams.get('code') : null;
  if (!code) throw new Error(`consent answered ${decided.status}`);
  const exchange = form({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
  const token = await send('POST', '/v1/oauth/token', {
    headers: { 'content-type': exchange['content-type'], authorization: basic },
    body: exchange.body,
  });
  if (token.status !== 200 || !JSON.parse(token.body).access_token) throw new Error(`token answered ${token.status}`);
}

async function floorRoundTrip() {
  for (let i = 0; i < 3; i++) {
    const response = await send('GET', '/');
    if (response.status !== 200) throw new Error(`floor answered ${response.status}`);
  }
}

/** CONNS loops of round trips for `seconds`; round trips per second, latency percentiles, errors. */
async function load(roundTrip, seconds) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNS }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        try {
          await roundTrip();
          latencies.push(performance.now() - started);
        } catch (error) {
          errors++;
          firstError ??= error.message;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1));
  return { perSecond: Math.round(latencies.length / seconds), p50Ms: at(0.5), p99Ms: at(0.99), errors, firstError };
}

/** CPU seconds the process has used (user + system), from /proc; the server is one process. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks of 1/100 s
}

async function measure(name, script, extraEnv, roundTrip) {
  const child = await startServer(script, extraEnv);
  try {
    const run = await roundTrip();
    await load(run, WARMUP);
    const cpuBefore = cpuSeconds(child.pid);
    const result = await load(run, DURATION);
    const cpu = cpuSeconds(child.pid) - cpuBefore;
    const serverCpuMs = Number(((1000 * cpu) / (result.perSecond * DURATION)).toFixed(2));
    return { name, ...result, serverBusy: Number((cpu / DURATION).toFixed(2)), serverCpuMs };
  } finally {
    await stopServer(child);
  }
}

const results = [];
results.push(
  await measure('floor: Fastify hello, 3 GETs', join(root, 'bench/floor.mjs'), {}, async () => floorRoundTrip),
);
for (const db of (env.TARGETS ?? 'sqlite,postgres').split(',')) {
  const state = mkdtempSync(join(tmpdir(), 'grantboard-round-trip-'));
  const target = {
    BENCH_STATE: state,
    BENCH_DB: db,
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    SCOPE: 'boards:read',
    MINT_REFRESH: '1',
    MINT_CODES: '1',
  };
  try {
    results.push(
      await measure(`grantboard, ${db}`, join(root, 'bench/target.mjs'), target, async () => {
        const cookie = await signIn();
        await grantboardRoundTrip(cookie); // the smoke check: one full round trip succeeds
        return () => grantboardRoundTrip(cookie);
      }),
    );
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

const floor = results[0].perSecond;
const lines = [
  `Round trips: authorize → consent → exchange, ${CONNS} loops, ${DURATION} s after ${WARMUP} s warm-up`,
  '',
  '| target | round trips/s | ratio to floor | p50 ms | p99 ms | errors | server process busy | server process CPU ms per round trip |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.perSecond} | ${(r.perSecond / floor).toFixed(3)} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors}${r.firstError ? ` (${r.firstError})` : ''} | ${r.serverBusy} | ${r.serverCpuMs} |`,
  ),
];
const folder = join(root, 'bench/results', `round-trip-${new Date().toISOString().replaceAll(':', '')}`);
mkdirSync(folder, { recursive: true });
writeFileSync(join(folder, 'summary.md'), `${lines.join('\n')}\n`);
writeFileSync(join(folder, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(lines.join('\n'));
console.log(`\n${folder}`);
agent.destroy();
