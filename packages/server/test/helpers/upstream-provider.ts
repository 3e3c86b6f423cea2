import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** An upstream account: the claims the provider releases for it. */
export interface UpstreamAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

/**
 * panva's `oidc-provider` (OpenID Certified) as the platform's identity provider, on a local port:
 * its development login form signs in any account id, with the claims in `accounts`; consent is
 * asked once per account (and answered by `loginAt`).
 */
export async function startUpstreamProvider(client: {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}) {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, UpstreamAccount>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, ...(accounts.get(id) ?? {}) }),
    }),
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['upstream-provider-cookie-key-for-tests'] },
    pkce: { required: () => true },
  });
  // Quiet: the development interactions warn once at start, by design.
  server.on('request', provider.callback());

  /**
   * A browser at the provider: follows the authorization request through the login and consent
   * forms as `accountId`, and returns the URL the provider sends the browser back to (the relying
   * party's callback), without following it.
   */
  async function loginAt(authorizationUrl: string, accountId: string, returnOrigin: string): Promise<URL> {
    const cookies = new Map<string, string>();
    async function request(url: URL, init: RequestInit = {}) {
      const response = await fetch(url, {
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
        const value = pair!.slice(eq + 1);
        if (value === '') cookies.delete(pair!.slice(0, eq));
        else cookies.set(pair!.slice(0, eq), value);
      }
      return response;
    }
    let url = new URL(authorizationUrl);
    for (let step = 0; step < 12; step++) {
      const response = await request(url);
      const location = response.headers.get('location');
      if (location) {
        url = new URL(location, url);
        if (url.origin === returnOrigin) return url;
        continue;
      }
      const page = await response.text();
      const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/.exec(page);
      if (!form) throw new Error(`the provider answered ${response.status} without a form: ${page.slice(0, 300)}`);
      const fields = new URLSearchParams();
      for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
        fields.set(input[1]!, input[2]!);
      }
      if (fields.get('prompt') === 'login') fields.set('login', accountId);
      const submitted = await request(new URL(form[1]!, url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: fields,
      });
      const next = submitted.headers.get('location');
      if (!next) throw new Error(`the provider's form answered ${submitted.status}`);
      url = new URL(next, url);
      if (url.origin === returnOrigin) return url;
    }
    throw new Error('the provider never sent the browser back');
  }

  return {
    issuer,
    accounts,
    loginAt,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
