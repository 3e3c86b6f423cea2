import { isValidVerifier } from '../../lib/pkce.js';
import { InvalidRequest } from '../errors.js';
import { type Grant, requestedResources } from './grant.js';

/** RFC 6749 §4.1.3, with PKCE (RFC 7636 §4.5). */
export const authorizationCodeGrant: Grant = {
  grantType: 'authorization_code',
  handle: async ({ params, client, services }) => {
    const codeVerifier = params.get('code_verifier');
    // RFC 7636 §4.1: 43 to 128 unreserved characters. Refused before the code is touched.
    if (codeVerifier !== undefined && !isValidVerifier(codeVerifier)) {
      throw new InvalidRequest('code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_", "~".');
    }
    return services.tokens.exchangeCode(client.app, {
      code: params.require('code'),
      redirectUri: params.require('redirect_uri'),
      codeVerifier,
      resources: await requestedResources(params, services),
    });
  },
};
