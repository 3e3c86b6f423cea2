import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient, CLIENT_DIR, REPO_ROOT } from './support/build.js';

const run = promisify(execFile);

/**
 * What an app developer gets from the registry: the packed tarball, installed into an empty folder
 * with no workspace around it, must import (core and every subpath) and type-check.
 */

// npm run from a workspace script passes its settings down through npm_* variables; a clean
// install must not see them.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

let scratch: string;
let files: string[];

async function pack(packageDir: string): Promise<{ filename: string; files: { path: string }[] }> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], {
    cwd: packageDir,
    env: cleanEnv,
  });
  const [result] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (!result) throw new Error('npm pack printed nothing');
  return result;
}

beforeAll(async () => {
  await buildClient();
  scratch = await mkdtemp(join(tmpdir(), 'gb-client-pack-'));
  // The client's type declarations refer to @grantboard/protocol, so it is packed alongside.
  const protocol = await pack(join(REPO_ROOT, 'packages/protocol'));
  const client = await pack(CLIENT_DIR);
  files = client.files.map((f) => f.path);
  const app = join(scratch, 'app');
  await run('mkdir', [app]);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', join(scratch, protocol.filename), join(scratch, client.filename)],
    { cwd: app, env: cleanEnv },
  );
}, 120_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the packed @grantboard/client', () => {
  it('ships the built code, its types and the README, and no tests or build state', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']));
    expect(files).toEqual(expect.arrayContaining(['dist/stores/redis-store.js', 'dist/stores/sql-store.js']));
    expect(files.filter((f) => f.startsWith('test/') || f.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it('imports in plain Node ESM, core and subpaths, without the optional peers installed', async () => {
    const script = `
      import { GrantboardClient, MemoryTokenStore, StateMismatch } from '@grantboard/client';
      import { FileTokenStore } from '@grantboard/client/file';
      import { SqlTokenStore, pgAdapter } from '@grantboard/client/sql';
      import { RedisTokenStore } from '@grantboard/client/redis';
      const store = new MemoryTokenStore();
      const client = new GrantboardClient({ clientId: '1', clientSecret: 's', redirectUri: 'https://app.example/cb', store });
      const request = await client.createAuthorizationRequest({ userKey: 'u' });
      const error = await client.handleCallback('https://app.example/cb?code=c&state=nope').catch((e) => e);
      console.log(JSON.stringify({
        url: request.url.split('?')[0],
        error: error instanceof StateMismatch ? error.code : String(error),
        stores: [typeof FileTokenStore, typeof SqlTokenStore, typeof pgAdapter, typeof RedisTokenStore],
      }));
    `;
    await writeFile(join(scratch, 'app', 'smoke.mjs'), script);
    const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: join(scratch, 'app') });
    expect(JSON.parse(stdout)).toEqual({
      url: 'https://miro.com/oauth/authorize',
      error: 'state_mismatch',
      stores: ['function', 'function', 'function', 'function'],
    });
  });

  it('type-checks a consumer against the published declarations', async () => {
    const app = join(scratch, 'app');
    await writeFile(
      join(app, 'consumer.ts'),
      `import { GrantboardClient, MemoryTokenStore, type TokenSet } from '@grantboard/client';
       import { FileTokenStore } from '@grantboard/client/file';
       const client = new GrantboardClient({ clientId: '1', redirectUri: 'https://app.example/cb', store: new FileTokenStore({ path: 'x.json' }) });
       const tokens: Promise<TokenSet> = client.getTokenSet('u');
       const page = client.as('u').listBoards({ limit: 5 }).then((p) => p.data.map((b) => b.name));
       // @ts-expect-error the token type is always bearer
       const wrong: TokenSet['tokenType'] = 'mac';
       export { tokens, page, wrong, MemoryTokenStore };
      `,
    );
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    const result = await run(
      process.execPath,
      [tsc, ...args, '--types', 'node', '--typeRoots', join(REPO_ROOT, 'node_modules/@types'), 'consumer.ts'],
      { cwd: app },
    ).catch((e) => e);
    expect(result.stdout ?? '').toBe('');
    const manifest = JSON.parse(await readFile(join(app, 'node_modules/@grantboard/client/package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['@grantboard/protocol']);
  }, 60_000);
});
