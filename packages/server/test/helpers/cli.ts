import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET_KEY } from './app.js';

const BIN = fileURLToPath(new URL('../../bin/grantboard.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled `grantboard` CLI as its own process, with only the given environment. */
export function runCli(args: string[], env: Record<string, string>): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', GRANTBOARD_SECRET_KEY: TEST_SECRET_KEY, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command with `--json` that must succeed, and returns its document. */
export function cliJson<T = Record<string, string>>(args: string[], env: Record<string, string>): T {
  const result = runCli([...args, '--json'], env);
  if (result.code !== 0) throw new Error(`grantboard ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
