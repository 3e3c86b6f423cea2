import { type TSchema, Type } from '@sinclair/typebox';

const Id = Type.String({ pattern: '^\\d{1,30}$', description: 'A numeric id, as a string.' });
const Scopes = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 });
const strict = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });

export const AppParams = strict({ clientId: Id });
export const AppCreate = strict({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  teamId: Id,
  createdBy: Id,
  redirectUris: Type.Array(Type.String({ maxLength: 2000 }), { minItems: 1, maxItems: 20 }),
  scopes: Scopes,
  expiring: Type.Boolean(),
  public: Type.Optional(Type.Boolean()),
  clientId: Type.Optional(Id),
  clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export const AppUpdate = strict({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  redirectUris: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { minItems: 1, maxItems: 20 })),
  scopes: Type.Optional(Scopes),
  appUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  sdkRedirectUri: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
});
export const AdminApp = Type.Object({
  clientId: Id,
  name: Type.String(),
  teamId: Id,
  public: Type.Boolean(),
  expiring: Type.Boolean(),
  redirectUris: Type.Array(Type.String()),
  appUrl: Type.Union([Type.String(), Type.Null()]),
  sdkRedirectUri: Type.Union([Type.String(), Type.Null()]),
  scopes: Type.Array(Type.String()),
  clientSecret: Type.Optional(Type.String()),
});
export const Secret = Type.Object({ clientId: Id, clientSecret: Type.String() });

export const UserCreate = strict({
  email: Type.String({ minLength: 3, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1000 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
});
export const User = Type.Object({ id: Id, email: Type.String(), name: Type.String() });
export const TeamCreate = strict({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  organizationId: Type.Optional(Id),
});
export const Team = Type.Object({ id: Id, name: Type.String(), organizationId: Id });
export const MemberParams = strict({ teamId: Id, userId: Id });
export const Membership = strict({ role: Type.Union([Type.Literal('member'), Type.Literal('admin')]) });
export const InstallationParams = strict({ clientId: Id, teamId: Id });
export const Installation = strict({ userId: Id });
export const Uninstalled = Type.Object({ revokedFamilies: Type.Integer() });

export const Grant = strict({ appId: Id, userId: Id, teamId: Id, scopes: Type.Optional(Scopes) });
export const CodeGrant = strict({
  appId: Id,
  userId: Id,
  teamId: Id,
  scopes: Type.Optional(Scopes),
  redirectUri: Type.Optional(Type.String({ maxLength: 2000 })),
  codeChallenge: Type.Optional(Type.String({ maxLength: 128 })),
});
export const Tokens = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  scope: Type.String(),
  user_id: Id,
  team_id: Id,
  expires_in: Type.Optional(Type.Integer()),
  refresh_token: Type.Optional(Type.String()),
});
export const Code = Type.Object({ code: Type.String(), redirectUri: Type.String() });
export const TokenValue = strict({ token: Type.String({ minLength: 1, maxLength: 200 }) });
export const Revoked = Type.Object({ revoked: Type.Boolean() });

export const TokenFailure = strict({
  appId: Id,
  count: Type.Integer({ minimum: 0, maximum: 1000 }),
  error: Type.Union([Type.Literal('invalid_grant'), Type.Literal('temporarily_unavailable'), Type.Literal('delay')]),
  retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  delayMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000 })),
});
export const RateLimit = strict({ appId: Id, userId: Id, seconds: Type.Integer({ minimum: 0, maximum: 86_400 }) });
export const Uninstall = strict({ appId: Id, teamId: Id });
export const Reinstall = strict({ appId: Id, teamId: Id, userId: Id });
export const ClockAdvance = strict({ appId: Id, seconds: Type.Integer({ minimum: 1, maximum: 315_360_000 }) });

/** A resource server's id; its introspection client id starts `rs-`. */
export const ResourceServerParams = strict({ resourceServerId: Id });
const ResourceScopeInput = strict({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  consentText: Type.String({ minLength: 1, maxLength: 200 }),
});
export const ResourceServerCreate = strict({
  identifier: Type.String({
    minLength: 1,
    maxLength: 500,
    description: 'The audience URI (RFC 8707): absolute, no fragment.',
  }),
  name: Type.String({ minLength: 1, maxLength: 60 }),
  organizationId: Type.Optional(Id),
  scopes: Type.Array(ResourceScopeInput, { minItems: 1, maxItems: 50 }),
  tokenFormat: Type.Optional(Type.Union([Type.Literal('opaque'), Type.Literal('jwt')])),
  accessTokenTtlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86400 })),
});
export const ResourceServer = Type.Object({
  id: Id,
  identifier: Type.String(),
  name: Type.String(),
  organizationId: Type.Union([Id, Type.Null()]),
  scopes: Type.Array(Type.Object({ name: Type.String(), consentText: Type.String() })),
  tokenFormat: Type.Union([Type.Literal('opaque'), Type.Literal('jwt')]),
  accessTokenTtlSeconds: Type.Integer(),
  clientId: Type.String(),
  clientSecret: Type.Optional(Type.String()),
});
export const ResourceServerList = Type.Object({ data: Type.Array(ResourceServer) });
export const ResourceServerSecret = Type.Object({ clientId: Type.String(), clientSecret: Type.String() });
export const OrganizationParams = strict({ organizationId: Id });
export const WebhookParams = strict({ organizationId: Id, endpointId: Id });
export const WebhookCreate = strict({
  url: Type.String({ minLength: 1, maxLength: 2000 }),
  /** The endpoint's creator: an admin of a team of the organization. */
  createdBy: Id,
});
export const WebhookEndpoint = Type.Object({ id: Id, url: Type.String(), createdAt: Type.String() });
export const WebhookEndpoints = Type.Object({ data: Type.Array(WebhookEndpoint) });
export const WebhookEndpointCreated = Type.Object({
  id: Id,
  url: Type.String(),
  createdAt: Type.String(),
  /** The Standard Webhooks signing secret (`whsec_…`): shown once, kept only sealed. */
  secret: Type.String(),
});
