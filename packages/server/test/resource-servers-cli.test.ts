import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from './helpers/cli.js';

describe('grantboard resource-servers', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'grantboard-rs-cli-'));
  const env = { DATABASE_URL: `sqlite:${join(dir, 'rs.db')}` };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('registers an API with its scopes, lists it, and refuses bad input without writing', () => {
    expect(runCli(['migrate'], env).code).toBe(0);
    const created = cliJson(
      [
        'resource-servers',
        'create',
        '--identifier',
        'https://payroll.example/api',
        '--name',
        'Payroll API',
        '--scope',
        'payroll:read=See your payslips',
        '--token-format',
        'jwt',
      ],
      env,
    ) as unknown as Record<string, unknown>;
    expect(created).toMatchObject({
      identifier: 'https://payroll.example/api',
      tokenFormat: 'jwt',
      accessTokenTtlSeconds: 300,
      scopes: [{ name: 'payroll:read', consentText: 'See your payslips' }],
      clientId: expect.stringMatching(/^rs-\d+$/),
      clientSecret: expect.stringMatching(/^gbs_/),
    });

    const usage = runCli(
      ['resource-servers', 'create', '--identifier', 'https://x.example/', '--name', 'X', '--scope', 'noequals'],
      env,
    );
    expect(usage.code).toBe(2);
    const refused = runCli(
      [
        'resource-servers',
        'create',
        '--identifier',
        'https://x.example/#f',
        '--name',
        'X',
        '--scope',
        'x:read=Read',
        '--json',
      ],
      env,
    );
    expect(refused.code).not.toBe(0);
    expect(JSON.parse(refused.stderr).error.message).toContain('fragment');

    const listed = cliJson<{ data: { identifier: string }[] }>(['resource-servers', 'list'], env);
    expect(listed.data.map((s) => s.identifier)).toEqual(['https://payroll.example/api']);
  });
});
