import { consentFields, csrfOf } from './browser-session.js';

/**
 * A user agent over real HTTP (fetch): follows the authorization request through sign-in and the
 * consent page, clicks Allow, and returns the URL the browser would be sent to.
 */
export async function consentOverHttp(
  authorizeUrl: string,
  email: string,
  password: string,
  teamId?: string,
): Promise<string> {
  const cookies = new Map<string, string>();
  const origin = new URL(authorizeUrl).origin;
  async function request(url: string, init: RequestInit = {}) {
    const response = await fetch(new URL(url, origin), {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  }
  const postForm = (url: string, fields: Record<string, string>) =>
    request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });

  let response = await request(authorizeUrl);
  if (response.status === 303) {
    const signInUrl = new URL(response.headers.get('location')!, origin);
    const page = await (await request(signInUrl.href)).text();
    const signedIn = await postForm('/signin', {
      csrf: csrfOf(page),
      email,
      password,
      return_to: signInUrl.searchParams.get('return_to') ?? '/',
    });
    if (signedIn.status !== 303) throw new Error(`sign-in failed with ${signedIn.status}`);
    response = await request(signedIn.headers.get('location')!);
  }
  if (response.status !== 200) throw new Error(`consent page answered ${response.status}`);
  const fields = consentFields(await response.text());
  if (teamId) fields.team_id = teamId;
  const decided = await postForm('/oauth/authorize', { ...fields, decision: 'allow' });
  const location = decided.headers.get('location');
  if (decided.status !== 303 || !location) throw new Error(`consent answered ${decided.status}`);
  return location;
}
