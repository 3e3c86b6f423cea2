import { authorizationCodeGrant } from './authorization-code.js';
import type { Grant } from './grant.js';
import { refreshTokenGrant } from './refresh-token.js';

/** The grants the token endpoint offers. No password grant (RFC 9700 §2.4), no implicit (§2.1.2). */
export const GRANTS: ReadonlyMap<string, Grant> = new Map(
  [authorizationCodeGrant, refreshTokenGrant].map((grant) => [grant.grantType, grant]),
);
