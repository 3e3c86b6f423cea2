import type Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthorizationRequest,
  type BoardsPage,
  type CallbackResult,
  EncryptedTokenStore,
  GrantboardClient,
  type GrantboardClientOptions,
  type GrantboardError,
  type GrantboardErrorCode,
  type Item,
  isGrantboardError,
  MemoryTokenStore,
  type ReauthorizationRequired,
  type StateMismatch,
  type StickyNote,
  type TokenSet,
  type TokenStore,
  type UserApi,
} from '../src/index.js';
import { FileTokenStore } from '../src/stores/file-store.js';
import { RedisTokenStore } from '../src/stores/redis-store.js';
import {
  betterSqlite3Adapter,
  kyselyAdapter,
  pgAdapter,
  type SqlAdapter,
  SqlTokenStore,
} from '../src/stores/sql-store.js';

// These assertions are checked by `tsc -b` (the test project is part of the build graph); at run
// time expectTypeOf does nothing.

const client = new GrantboardClient({
  clientId: '1',
  redirectUri: 'https://app.example/cb',
  store: new MemoryTokenStore(),
});

describe('public API types', () => {
  it('requires the app identity and a store, and nothing else', () => {
    expectTypeOf(GrantboardClient).toBeConstructibleWith({
      clientId: '1',
      redirectUri: 'https://app.example/cb',
      store: new MemoryTokenStore(),
    });
    expectTypeOf<GrantboardClientOptions['clientSecret']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<GrantboardClientOptions['fetch']>().toEqualTypeOf<typeof fetch | undefined>();
    // @ts-expect-error a store is required
    expectTypeOf(GrantboardClient).toBeConstructibleWith({ clientId: '1', redirectUri: 'https://app.example/cb' });
  });

  it('types the authorization flow', () => {
    expectTypeOf(client.createAuthorizationRequest).toBeCallableWith();
    // Scope names autocomplete; other strings stay allowed for scopes this version does not know.
    expectTypeOf(client.createAuthorizationRequest).toBeCallableWith({
      userKey: 'u',
      teamId: '3458764522222222222',
      scopes: ['boards:read', 'custom:scope'],
    });
    expectTypeOf(client.createAuthorizationRequest).returns.resolves.toEqualTypeOf<AuthorizationRequest>();
    expectTypeOf<AuthorizationRequest>().toEqualTypeOf<{
      url: string;
      state: string;
      codeVerifier: string;
      expiresAt: number;
    }>();
    expectTypeOf(client.handleCallback).parameters.toEqualTypeOf<[string | URL, (string | undefined)?]>();
    expectTypeOf(client.handleCallback).returns.resolves.toEqualTypeOf<CallbackResult>();
  });

  it('types tokens and API calls', () => {
    expectTypeOf(client.getAccessToken).toEqualTypeOf<(userKey: string) => Promise<string>>();
    expectTypeOf(client.getTokenSet).returns.resolves.toEqualTypeOf<TokenSet>();
    expectTypeOf(client.fetchApi).returns.resolves.toEqualTypeOf<Response>();
    expectTypeOf(client.as('u')).toEqualTypeOf<UserApi>();
    expectTypeOf(client.as('u').listBoards).returns.resolves.toEqualTypeOf<BoardsPage>();
    expectTypeOf(client.as('u').createStickyNote).returns.resolves.toEqualTypeOf<StickyNote>();
    expectTypeOf(client.as('u').allItems).returns.toEqualTypeOf<AsyncGenerator<Item>>();
    expectTypeOf(client.revoke).returns.resolves.toBeVoid();
    expectTypeOf<TokenSet['tokenType']>().toEqualTypeOf<'bearer'>();
    expectTypeOf<TokenSet['expiresAt']>().toEqualTypeOf<number | undefined>();
  });

  it('gives every error a literal code', () => {
    expectTypeOf<StateMismatch['code']>().toEqualTypeOf<'state_mismatch'>();
    expectTypeOf<ReauthorizationRequired['code']>().toEqualTypeOf<'reauthorization_required'>();
    expectTypeOf<ReauthorizationRequired['reason']>().toEqualTypeOf<
      'no_tokens' | 'invalid_grant' | 'expired' | 'unauthorized'
    >();
    expectTypeOf<GrantboardError['code']>().toEqualTypeOf<GrantboardErrorCode>();
    const error: unknown = undefined;
    if (isGrantboardError(error, 'api_error')) expectTypeOf(error.code).toEqualTypeOf<'api_error'>();
  });

  it('lets every store stand in for TokenStore, over the libraries apps already use', () => {
    expectTypeOf(MemoryTokenStore).instance.toExtend<TokenStore>();
    expectTypeOf(EncryptedTokenStore).instance.toExtend<TokenStore>();
    expectTypeOf(FileTokenStore).instance.toExtend<TokenStore>();
    expectTypeOf(RedisTokenStore).instance.toExtend<TokenStore>();
    expectTypeOf(SqlTokenStore).instance.toExtend<TokenStore>();
    expectTypeOf(RedisTokenStore).toBeConstructibleWith({ redis: {} as Redis, keyPrefix: 'app:' });
    expectTypeOf(betterSqlite3Adapter).toBeCallableWith({} as Database.Database);
    expectTypeOf(pgAdapter).toBeCallableWith({} as pg.Pool);
    expectTypeOf(pgAdapter).toBeCallableWith({} as pg.Client);
    // biome-ignore lint/suspicious/noExplicitAny: any database schema
    expectTypeOf(kyselyAdapter).toBeCallableWith({} as Kysely<any>);
    expectTypeOf(kyselyAdapter).returns.toEqualTypeOf<SqlAdapter>();
    // biome-ignore lint/suspicious/noExplicitAny: any database schema
    expectTypeOf(SqlTokenStore).toBeConstructibleWith({ adapter: {} as Kysely<any> });
  });
});
