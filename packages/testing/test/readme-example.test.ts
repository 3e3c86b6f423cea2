import { GrantboardClient, MemoryTokenStore, ReauthorizationRequired } from '@grantboard/client';
import { type Grantboard, startGrantboard } from '@grantboard/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

let gb: Grantboard;
beforeAll(async () => {
  gb = await startGrantboard({ fixtures: `${import.meta.dirname}/grantboard.fixtures.json` });
});
afterAll(() => gb.stop());

async function connect(app: GrantboardClient) {
  const { url, state } = await app.createAuthorizationRequest({ userKey: 'u' });
  const codeChallenge = new URL(url).searchParams.get('code_challenge')!;
  const { code } = await gb.issueCode({ app: 'Reporter', user: 'dev@example.com', codeChallenge });
  return (await app.handleCallback(`/cb?code=${code}&state=${state}`)).tokens;
}

it('recovers from an expired token and reports a revoked one', async () => {
  const { clientId, clientSecret } = gb.app('Reporter');
  const app = new GrantboardClient({
    clientId,
    clientSecret: clientSecret!,
    redirectUri: 'http://127.0.0.1:9/cb',
    store: new MemoryTokenStore(),
    authBaseUrl: gb.url,
    apiBaseUrl: gb.url,
  });
  const tokens = await connect(app);
  await gb.expireAccessToken(tokens.accessToken);
  await expect(app.as('u').listBoards()).resolves.toHaveProperty('data');
  expect((await app.peekTokenSet('u'))!.accessToken).not.toBe(tokens.accessToken);
  await gb.revokeRefreshToken((await app.peekTokenSet('u'))!.refreshToken!);
  await expect(app.as('u').listBoards()).rejects.toBeInstanceOf(ReauthorizationRequired);
});

it("is the README's example, word for word", async () => {
  const { readFile } = await import('node:fs/promises');
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const source = await readFile(new URL(import.meta.url), 'utf8');
  const example = source.slice(0, source.indexOf('\nit("is the README'));
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
});
