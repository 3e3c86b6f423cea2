/**
 * Response schemas of the hottest OAuth routes, so Fastify serializes their 200 bodies with a
 * precompiled serializer (fast-json-stringify) instead of `JSON.stringify`. Properties not listed are
 * still written (`additionalProperties`), so a grant that adds a field is never silently cut.
 */
const string = { type: 'string' } as const;
const entity = {
  type: 'object',
  properties: { type: string, id: string, name: string },
  additionalProperties: true,
} as const;

/** `TokenResponse` of `@grantboard/protocol` (RFC 6749 §5.1, ARCHITECTURE.md decision 3). */
export const TOKEN_RESPONSE_SCHEMA = {
  response: {
    200: {
      type: 'object',
      properties: {
        access_token: string,
        token_type: string,
        scope: string,
        user_id: string,
        team_id: string,
        expires_in: { type: 'integer' },
        refresh_token: string,
      },
      additionalProperties: true,
    },
  },
} as const;

/** `TokenContext` of `@grantboard/protocol` (`GET /v1/oauth-token`). */
export const TOKEN_CONTEXT_SCHEMA = {
  response: {
    200: {
      type: 'object',
      properties: {
        type: string,
        organization: entity,
        team: entity,
        createdBy: entity,
        user: entity,
        scopes: { type: 'array', items: string },
        createdAt: string,
      },
      additionalProperties: true,
    },
  },
} as const;
