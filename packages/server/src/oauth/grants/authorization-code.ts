import type { Grant } from './grant.js';

/** RFC 6749 §4.1.3, with PKCE (RFC 7636 §4.5). */
export const authorizationCodeGrant: Grant = {
  grantType: 'authorization_code',
  handle: ({ params, client, services }) =>
    services.tokens.exchangeCode(client.app, {
      code: params.require('code'),
      redirectUri: params.require('redirect_uri'),
      codeVerifier: params.get('code_verifier'),
    }),
};
