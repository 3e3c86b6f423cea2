import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { startListeningApp } from './helpers/listening-app.js';

/**
 * Sign-in throttling and the bound on password checks under real parallel HTTP requests
 * (docs/security.md, "Sign-in"): limits hold for a burst, not only for attempts one after another.
 */

interface Answer {
  status: number;
  body: string;
  retryAfter: string | undefined;
}

/** The sign-in form's double-submit token and its cookie, as a browser gets them. */
async function signInForm(url: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${url}/signin`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';
  return { cookie, csrf };
}

/** Posts the sign-in form over its own connection from `localAddress` (a loopback address). */
function postSignIn(
  url: string,
  form: { cookie: string; csrf: string },
  email: string,
  password: string,
  localAddress = '127.0.0.1',
): Promise<Answer> {
  const body = new URLSearchParams({ csrf: form.csrf, email, password }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/signin`,
      {
        method: 'POST',
        localAddress,
        agent: false,
        headers: {
          cookie: form.cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, retryAfter: res.headers['retry-after'] as string }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const tally = (answers: Answer[]) => {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
};

describe.each(DIALECTS)('sign-in under parallel requests on %s', (dialect) => {
  let t: TestApp & { url: string };
  beforeAll(async () => {
    t = await startListeningApp(dialect, { SIGNIN_MAX_FAILURES_PER_ADDRESS: '5' });
  });
  afterAll(() => t?.close());

  it('checks at most five of twelve parallel wrong passwords for one account, then locks it', async () => {
    const form = await signInForm(t.url);
    // Each guess from its own address, so only the account limit applies.
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => postSignIn(t.url, form, t.seed.bob.email, 'wrong', `127.0.1.${i + 1}`)),
    );
    expect(tally(answers)).toEqual({ 401: 5, 429: 7 });
    for (const a of answers.filter((a) => a.status === 429)) {
      expect(a.body).toContain('Too many failed sign-in attempts for this account.');
      expect(a.retryAfter).toBe('900');
    }
    const right = await postSignIn(t.url, form, t.seed.bob.email, PASSWORD, '127.0.1.20');
    expect(right.status).toBe(429);
  });

  it('checks at most five of twelve parallel sign-ins from one address, for any accounts', async () => {
    const form = await signInForm(t.url);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => postSignIn(t.url, form, `guess${i}@example.com`, 'wrong', '127.0.2.1')),
    );
    expect(tally(answers)).toEqual({ 401: 5, 429: 7 });
    for (const a of answers.filter((a) => a.status === 429)) {
      expect(a.body).toContain('Too many failed sign-in attempts from your network address.');
    }
    expect((await postSignIn(t.url, form, t.seed.alice.email, PASSWORD, '127.0.2.1')).status).toBe(429);
    // Another address is not affected.
    expect((await postSignIn(t.url, form, t.seed.alice.email, PASSWORD, '127.0.2.2')).status).toBe(303);
  });

  it('signs in when parallel right passwords for one account exceed the limit: successes count no failure', async () => {
    const form = await signInForm(t.url);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => postSignIn(t.url, form, t.seed.alice.email, PASSWORD, `127.0.3.${i + 1}`)),
    );
    // A burst of right passwords may be told to wait, but never locks the account.
    expect(answers.filter((a) => a.status === 303).length).toBeGreaterThanOrEqual(5);
    expect((await postSignIn(t.url, form, t.seed.alice.email, PASSWORD, '127.0.3.20')).status).toBe(303);
  });
});

describe('password checks with a full queue', () => {
  let t: TestApp & { url: string };
  beforeAll(async () => {
    t = await startListeningApp('sqlite', {
      SIGNIN_CONCURRENT_PASSWORD_CHECKS: '1',
      SIGNIN_QUEUED_PASSWORD_CHECKS: '1',
      SIGNIN_MAX_FAILURES_PER_ADDRESS: '1000',
    });
  });
  afterAll(() => t?.close());

  it('answers the overflow of a burst at once with “try again”, and the refused attempts count no failure', async () => {
    const form = await signInForm(t.url);
    // One account per request, so only the bound on password checks can refuse.
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => postSignIn(t.url, form, `burst${i}@example.com`, 'wrong')),
    );
    const counts = tally(answers);
    expect(Object.keys(counts).sort()).toEqual(['401', '503']);
    expect(counts[401]).toBeGreaterThanOrEqual(2);
    for (const a of answers.filter((a) => a.status === 503)) {
      expect(a.body).toContain('Grantboard is busy checking other sign-ins. Please try again in a moment.');
      expect(a.retryAfter).toBe('2');
    }
    // A refused attempt was never checked, so it took nothing from the account's budget.
    const refused = answers.findIndex((a) => a.status === 503);
    for (let i = 0; i < 4; i++) {
      expect((await postSignIn(t.url, form, `burst${refused}@example.com`, 'wrong')).status).toBe(401);
    }
  });
});
