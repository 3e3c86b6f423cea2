import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET_KEY } from './app.js';

const BIN = fileURLToPath(new URL('../../bin/grantboard.js', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote, for assertions about logs. */
  output(): string;
  /** Resolves once the output matches `pattern`; rejects if the process exits first. */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** Sends `signal` (SIGTERM by default) and resolves with how the process exited. */
  stop(signal?: NodeJS.Signals): Promise<ProcessExit>;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs `grantboard serve` as a separate OS process on a free port (the compiled build: `npm test`
 * builds first) and resolves once it listens.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      GRANTBOARD_SECRET_KEY: TEST_SECRET_KEY,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const check = () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const exited = () => ({ code: child.exitCode, signal: child.signalCode });
  return {
    url,
    child,
    output: () => output,
    waitForOutput: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return false;
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          child.off('exit', exit);
          resolve();
          return true;
        };
        const exit = () => reject(new Error(`server exited before printing ${pattern}:\n${output}`));
        if (check()) return;
        if (child.exitCode !== null || child.signalCode !== null) return exit();
        child.stdout?.on('data', check);
        child.stderr?.on('data', check);
        child.once('exit', exit);
      }),
    stop: (signal = 'SIGTERM') =>
      new Promise<ProcessExit>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(exited());
        child.once('exit', () => resolve(exited()));
        child.kill(signal);
      }),
  };
}
