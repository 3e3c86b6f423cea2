import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GrantboardClient,
  GrantboardError,
  InvalidResponse,
  IssuerMismatch,
  MemoryTokenStore,
  StateMismatch,
} from '../src/index.js';
import { toTokenSet } from '../src/token-endpoint.js';

/**
 * Properties over arbitrary input: whatever a callback URL or a token response holds, the client
 * either accepts it for the right reasons or raises one of its own errors — and never spends an
 * authorization code on a response it should have refused.
 */

const ISSUER = 'https://grantboard.example';

describe('handleCallback over arbitrary callback parameters', () => {
  it('exchanges a code only for the pending state and the expected issuer', async () => {
    const optional = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          useRealState: fc.boolean(),
          state: optional(fc.string()),
          iss: optional(fc.oneof(fc.constant(ISSUER), fc.constant(`${ISSUER}/`), fc.webUrl(), fc.string())),
          code: optional(fc.string()),
          error: optional(fc.oneof(fc.constant('access_denied'), fc.string())),
          extra: fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 3 }),
        }),
        async (input) => {
          const exchanges: string[] = [];
          const fakeFetch: typeof fetch = async (_url, init) => {
            exchanges.push(String(init?.body));
            return new Response(
              JSON.stringify({ access_token: 'a', token_type: 'bearer', user_id: '1', team_id: '2' }),
              {
                status: 200,
                headers: { 'content-type': 'application/json' },
              },
            );
          };
          const client = new GrantboardClient({
            clientId: '42',
            clientSecret: 'secret',
            redirectUri: 'https://app.example/cb',
            authBaseUrl: ISSUER,
            apiBaseUrl: ISSUER,
            store: new MemoryTokenStore(),
            fetch: fakeFetch,
          });
          const request = await client.createAuthorizationRequest({ userKey: 'u' });
          const url = new URL('https://app.example/cb');
          for (const [name, value] of input.extra) url.searchParams.append(name, value);
          const state = input.useRealState ? request.state : input.state;
          const fields = { state, iss: input.iss, code: input.code, error: input.error };
          for (const [name, value] of Object.entries(fields)) {
            url.searchParams.delete(name);
            if (value !== undefined) url.searchParams.set(name, value);
          }
          const outcome = await client.handleCallback(url.href).catch((error: unknown) => error);
          if (exchanges.length > 0) {
            // A code was spent: everything that must be checked first was right.
            expect(state).toBe(request.state);
            expect(input.iss === undefined || input.iss === ISSUER).toBe(true);
            expect(input.error === undefined || input.error === '').toBe(true);
          }
          if (state !== request.state) expect(outcome).toBeInstanceOf(StateMismatch);
          else if (input.iss !== undefined && input.iss !== ISSUER) expect(outcome).toBeInstanceOf(IssuerMismatch);
          if (outcome instanceof Error) expect(outcome).toBeInstanceOf(GrantboardError);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('token response validation over arbitrary JSON', () => {
  it('returns a complete token set or raises InvalidResponse, nothing else', () => {
    const tokenish = fc.record(
      {
        access_token: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        token_type: fc.oneof(fc.constantFrom('bearer', 'Bearer', 'BEARER', 'mac'), fc.string()),
        expires_in: fc.oneof(fc.integer({ min: -10, max: 10_000 }), fc.double(), fc.string()),
        refresh_token: fc.oneof(fc.string(), fc.integer()),
        scope: fc.oneof(fc.string(), fc.array(fc.string())),
        user_id: fc.oneof(fc.string(), fc.integer()),
        team_id: fc.oneof(fc.string(), fc.bigInt().map(Number)),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(tokenish, fc.jsonValue()), (body) => {
        let tokens: ReturnType<typeof toTokenSet>;
        try {
          tokens = toTokenSet(body, 1_000);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidResponse);
          return;
        }
        expect(tokens.accessToken).toEqual(expect.any(String));
        expect(tokens.accessToken).not.toBe('');
        expect(tokens.tokenType).toBe('bearer');
        expect(tokens.userId).not.toBe('');
        expect(tokens.teamId).not.toBe('');
        if (tokens.expiresAt !== undefined) expect(tokens.expiresAt).toBeGreaterThanOrEqual(1_000);
        expect(Number.isFinite(tokens.expiresAt ?? 0)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
