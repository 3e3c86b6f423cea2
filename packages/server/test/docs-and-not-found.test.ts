import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

const fromHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

// The reference page and the 404 answers hold no data: SQLite alone.
describe('the REST API reference page and unknown paths', () => {
  let t: TestApp;
  let page: string;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { PUBLIC_URL: 'https://boards.example.com' });
    page = (await t.app.inject({ url: '/docs/api' })).body;
  });
  afterAll(() => t?.close());

  it('has the site header and a way back', () => {
    expect(page).toContain('<a class="brand" href="/">Grantboard</a>');
    expect(page).toContain('<a href="/">← Back to Grantboard</a>');
  });

  it('explains authorization with the same curl commands as the README, on PUBLIC_URL', () => {
    expect(page).toContain('<h2 id="authorization">Authorization</h2>');
    expect(page).toContain('<li><a href="#authorization">Authorization</a></li>');
    const text = fromHtml(page);
    expect(text).toContain(
      'https://boards.example.com/oauth/authorize?response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIRECT_URI&state=$STATE',
    );
    expect(text).toContain('curl -s -X POST https://boards.example.com/v1/oauth/token \\');
    // Every form parameter line of the README's token requests appears on the page as it is.
    const readmeLines = README.split('\n').filter((line) => line.startsWith('  -d grant_type='));
    expect(readmeLines.length).toBeGreaterThanOrEqual(2);
    for (const line of readmeLines) {
      expect(text).toContain(
        line.replace('redirect_uri=http://localhost:3000/demo/callback', 'redirect_uri=$REDIRECT_URI'),
      );
    }
    expect(text).toContain(
      'curl -s -H "Authorization: Bearer $ACCESS_TOKEN" https://boards.example.com/v1/oauth-token',
    );
    expect(text).toContain(
      `curl -s -X POST "https://boards.example.com/v1/oauth/revoke?access_token=$ACCESS_TOKEN" -o /dev/null -w '%{http_code}\\n'`,
    );
  });

  it('shows example JSON with every $ref resolved, before the schema', () => {
    const examples = [...page.matchAll(/<p class="example-label">([^<]+), for example:<\/p>\n<pre>([^<]*)<\/pre>/g)];
    expect(examples.length).toBeGreaterThan(20);
    for (const [, , json] of examples) {
      const value = JSON.parse(fromHtml(json!));
      expect(JSON.stringify(value)).not.toContain('$ref');
      expect(value).not.toBeNull();
    }
    const getBoard = page.slice(page.indexOf('id="get-specific-board"'));
    const response = /<p class="example-label">Response 200, for example:<\/p>\n<pre>([^<]*)<\/pre>/.exec(
      getBoard,
    )?.[1];
    expect(JSON.parse(fromHtml(response!))).toMatchObject({ id: 'uXjVOD6LSME=', type: 'board' });
    const error = /<h2 id="errors">Errors<\/h2>\n<p>[^<]*<\/p>\n<pre>([^<]*)<\/pre>/.exec(page)?.[1];
    expect(JSON.parse(fromHtml(error!))).toMatchObject({ status: expect.any(Number), type: 'error' });
  });

  it('answers an unknown path with an HTML page to a browser', async () => {
    const response = await t.app.inject({
      url: '/no/such/page?x=1',
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toContain('<h1>Page not found</h1>');
    expect(response.body).toContain('There is no page at <code>/no/such/page</code>.');
    expect(response.body).toContain('<a href="/">Go to Grantboard</a>');
    const hostile = await t.app.inject({ url: '/%3Cscript%3Ealert(1)%3C/script%3E', headers: { accept: 'text/html' } });
    expect(hostile.statusCode).toBe(404);
    expect(hostile.body).not.toContain('<script>');
  });

  it('answers an unknown path with JSON to API clients: Miro’s envelope under /v2, both vocabularies elsewhere', async () => {
    const api = await t.app.inject({ url: '/v2/nothing-here', headers: { accept: 'application/json' } });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/json');
    expect(api.json()).toEqual({
      status: 404,
      code: 'notFound',
      message: 'No route for GET /v2/nothing-here',
      type: 'error',
    });
    for (const accept of [undefined, '*/*', 'application/json']) {
      const other = await t.app.inject({
        method: 'POST',
        url: '/oauth/nothing',
        ...(accept ? { headers: { accept } } : {}),
      });
      expect(other.statusCode).toBe(404);
      expect(other.json()).toEqual({
        status: 404,
        code: 'notFound',
        message: 'No route for POST /oauth/nothing',
        type: 'error',
        error: 'not_found',
        error_description: 'No route for POST /oauth/nothing',
      });
    }
  });
});
