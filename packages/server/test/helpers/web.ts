import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { PASSWORD } from './app.js';

/** A browser's cookies, enough for `inject()`: set from responses, sent with requests. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (expired || cookie.value === '') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The CSRF token of the first form on a page. */
export function csrfOf(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no csrf field on the page');
  return match[1];
}

export interface Browser {
  jar: CookieJar;
  get(url: string): Promise<LightMyRequestResponse>;
  /** Posts a form with the browser's cookies; fields may repeat (checkboxes). */
  post(
    url: string,
    fields: Record<string, string | string[]>,
    options?: { remoteAddress?: string },
  ): Promise<LightMyRequestResponse>;
}

export function browser(app: FastifyInstance, jar = new CookieJar()): Browser {
  return {
    jar,
    async get(url) {
      const response = await app.inject({ method: 'GET', url, headers: { cookie: jar.header() } });
      jar.store(response);
      return response;
    },
    async post(url, fields, options = {}) {
      const body = new URLSearchParams();
      for (const [name, value] of Object.entries(fields)) {
        for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
      }
      const response = await app.inject({
        method: 'POST',
        url,
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
        ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
      });
      jar.store(response);
      return response;
    },
  };
}

/** Signs in through the sign-in page; returns the browser with its session cookie. */
export async function signIn(app: FastifyInstance, email: string, password = PASSWORD): Promise<Browser> {
  const b = browser(app);
  const form = await b.get('/signin');
  const response = await b.post('/signin', { csrf: csrfOf(form.body), return_to: '/', email, password });
  if (response.statusCode !== 303) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  return b;
}

/** The session CSRF token, read from a signed-in page. */
export async function sessionCsrf(b: Browser, url = '/'): Promise<string> {
  return csrfOf((await b.get(url)).body);
}
