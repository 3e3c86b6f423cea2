/**
 * A minimal browser for the server's own pages: a cookie jar, manual redirects, and reading the
 * fields of a form out of the HTML, so a test signs in and clicks "Allow" the way a user would.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ENTITIES[name] ?? '');
}

function attributes(tag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [, name, value] of tag.matchAll(/([\w-]+)="([^"]*)"/g)) {
    if (name !== undefined) result[name] = decodeEntities(value ?? '');
  }
  return result;
}

/** The fields a browser would submit from the form posting to `action`: hidden inputs and selected options. */
export function formFields(html: string, action: string): URLSearchParams {
  const form = new RegExp(
    `<form[^>]*action="${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</form>`,
  ).exec(html)?.[1];
  if (form === undefined) throw new Error(`no form posting to ${action} in:\n${html}`);
  const fields = new URLSearchParams();
  for (const [tag] of form.matchAll(/<input[^>]*>/g)) {
    const input = attributes(tag);
    if (input.type === 'hidden' && input.name) fields.set(input.name, input.value ?? '');
  }
  for (const [, open, body] of form.matchAll(/(<select[^>]*>)([\s\S]*?)<\/select>/g)) {
    const name = attributes(open ?? '').name;
    const options = [...(body ?? '').matchAll(/<option[^>]*>/g)].map(([tag]) => ({
      tag,
      value: attributes(tag).value,
    }));
    const chosen = options.find((o) => / selected[ >]/.test(o.tag)) ?? options[0];
    if (name && chosen?.value !== undefined) fields.set(name, chosen.value);
  }
  return fields;
}

export class Browser {
  readonly #cookies = new Map<string, string>();

  async request(url: string, init: { method?: string; form?: URLSearchParams } = {}): Promise<Response> {
    const headers = new Headers();
    if (this.#cookies.size > 0) {
      headers.set('cookie', [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    if (init.form) headers.set('content-type', 'application/x-www-form-urlencoded');
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.form ? { body: init.form.toString() } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (pair && index > 0) this.#cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
    return response;
  }

  /** GETs `url`, following same-origin redirects; returns the final response. */
  async visit(url: string): Promise<{ url: string; response: Response }> {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      const response = await this.request(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url: current, response };
      await response.body?.cancel();
      current = new URL(location, current).href;
    }
    throw new Error('too many redirects');
  }
}

/**
 * Walks the authorization pages: sign in when asked, then submit the consent form with `decision`
 * ('allow' or 'deny'). Returns the URL the server redirects the browser to (the app's callback).
 */
export async function authorizeAsUser(
  authorizationUrl: string,
  user: { email: string; password: string },
  decision: 'allow' | 'deny' = 'allow',
): Promise<string> {
  const browser = new Browser();
  let page = await browser.visit(authorizationUrl);
  let html = await page.response.text();
  if (new URL(page.url).pathname === '/signin') {
    const fields = formFields(html, '/signin');
    fields.set('email', user.email);
    fields.set('password', user.password);
    const signedIn = await browser.request(new URL('/signin', page.url).href, { method: 'POST', form: fields });
    const next = signedIn.headers.get('location');
    if (signedIn.status !== 303 || !next)
      throw new Error(`sign-in failed with ${signedIn.status}: ${await signedIn.text()}`);
    page = await browser.visit(new URL(next, page.url).href);
    html = await page.response.text();
  }
  const consent = formFields(html, '/oauth/authorize');
  consent.set('decision', decision);
  const answer = await browser.request(new URL('/oauth/authorize', page.url).href, { method: 'POST', form: consent });
  const location = answer.headers.get('location');
  if (answer.status < 300 || answer.status >= 400 || !location) {
    throw new Error(`consent answered ${answer.status}: ${await answer.text()}`);
  }
  return location;
}
