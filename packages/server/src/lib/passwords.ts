import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;

// OWASP's scrypt minimum (N=2^17, r=8, p=1) costs ~128 MiB per hash; N=2^15 keeps sign-in fast on
// small machines while staying far above what an offline attacker can cheaply test.
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/** `scrypt$N$r$p$salt$hash`, base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEY_LENGTH, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

let dummyHash: Promise<string> | undefined;

/** A hash of a random password, so a sign-in for an unknown email costs the same as for a known one. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

/** Every password-check slot is taken and the queue is full: answer "try again" instead of waiting. */
export class PasswordChecksBusyError extends Error {
  constructor() {
    super('Too many password checks are running; try again in a moment.');
  }
}

/**
 * Password checks with a bound on the work in flight: scrypt is memory-hard and runs on libuv's
 * small thread pool, so an unbounded burst of sign-ins would queue without end, starve the pool's
 * other users (file and DNS work) and answer nobody in time. At most `concurrent` checks run,
 * at most `queued` wait their turn (first come, first served); past that a check is refused at
 * once with `PasswordChecksBusyError`. One per process: it bounds that process's CPU.
 */
export function passwordChecks(limits: { concurrent: number; queued: number }) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async verify(password: string, stored: string): Promise<boolean> {
      if (running < limits.concurrent) running++;
      else if (waiting.length < limits.queued) await new Promise<void>((resolve) => waiting.push(resolve));
      else throw new PasswordChecksBusyError();
      try {
        return await verifyPassword(password, stored);
      } finally {
        // The slot passes straight to the next in line, if any.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}

export type PasswordChecks = ReturnType<typeof passwordChecks>;
