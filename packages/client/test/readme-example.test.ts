import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { buildClient, CLIENT_DIR, REPO_ROOT } from './support/build.js';

const run = promisify(execFile);

beforeAll(async () => {
  await buildClient();
}, 120_000);

it('the README example type-checks against the built package', async () => {
  const readme = await readFile(join(CLIENT_DIR, 'README.md'), 'utf8');
  const example = /## A complete example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toContain('new GrantboardClient');
  // Inside the repository's node_modules, so '@grantboard/client' and 'ioredis' resolve as in an app.
  const dir = join(REPO_ROOT, 'node_modules/.cache/grantboard-client-readme');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  await writeFile(join(dir, 'example.ts'), example ?? '');
  const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
  const result = await run(process.execPath, [tsc, ...args, '--types', 'node', 'example.ts'], { cwd: dir }).catch(
    (error: { stdout?: string }) => error,
  );
  expect(result.stdout ?? '').toBe('');
}, 60_000);
