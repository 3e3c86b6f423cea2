// Cold start of `grantboard serve` on an in-memory database with fixtures, until /readyz answers
// (docs/testing.md). One timing run; needs `npm run build` first.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'grantboard-cold-'));
const fixtures = join(dir, 'fixtures.json');
writeFileSync(
  fixtures,
  JSON.stringify({
    users: [{ email: 'dev@example.com', password: 'long enough', name: 'Dev' }],
    teams: [{ name: 'Design', members: [{ email: 'dev@example.com', role: 'admin' }] }],
    apps: [
      {
        name: 'Reporter',
        team: 'Design',
        clientId: '3458764500000000042',
        expiring: true,
        redirectUris: ['http://localhost:8080/cb'],
        scopes: ['boards:read'],
        installations: [{ team: 'Design', by: 'dev@example.com' }],
      },
    ],
  }),
);
const port = 20000 + Math.floor(Math.random() * 20000);
const started = performance.now();
const child = spawn(process.execPath, ['packages/server/bin/grantboard.js', 'serve', '--fixtures', fixtures], {
  env: {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: 'sqlite::memory:',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
for (;;) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    if (response.status === 200) break;
  } catch {}
  if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
  await new Promise((resolve) => setTimeout(resolve, 5));
}
const ms = performance.now() - started;
child.kill('SIGTERM');
console.log(
  JSON.stringify({ bench: 'cold-start', database: 'sqlite::memory:', fixtures: true, readyMs: Math.round(ms) }),
);
