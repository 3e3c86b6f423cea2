import { appTextProblem } from './app-text.js';
import { InvalidClientMetadataError } from './errors.js';
import { redirectUriProblem } from './redirect-uri.js';

/** The scopes an agent may hold: the board tools' (docs/mcp.md). */
export const AGENT_SCOPES = ['boards:read', 'boards:write'] as const;

const MAX_REDIRECT_URIS = 10;
const MAX_NAME = 60;

/** What Grantboard keeps of an agent's metadata (RFC 7591 §2), from a registration or a metadata document. */
export interface AgentMetadata {
  name: string;
  redirectUris: string[];
  scopes: string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function stringList(metadata: Record<string, unknown>, name: string): string[] | undefined {
  const value = metadata[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new InvalidClientMetadataError(`${name} must be an array of strings.`);
  }
  return value as string[];
}

/**
 * RFC 7591 §2 metadata of a public agent, checked the way Grantboard registers apps: redirect URIs
 * https or loopback http only (no private-use schemes: an agent is a browser-driven web or loopback
 * client), no client secret (`token_endpoint_auth_method` none), the code flow only, the agent scopes.
 * Metadata Grantboard does not use (logo_uri, contacts, software_id…) is ignored, as §2 requires.
 */
export function readAgentMetadata(metadata: unknown): AgentMetadata {
  if (!isRecord(metadata)) throw new InvalidClientMetadataError('The client metadata must be a JSON object.');
  const redirectUris = stringList(metadata, 'redirect_uris');
  if (!redirectUris || redirectUris.length === 0) {
    throw new InvalidClientMetadataError('redirect_uris must list at least one URI.', 'invalid_redirect_uri');
  }
  if (redirectUris.length > MAX_REDIRECT_URIS) {
    throw new InvalidClientMetadataError(`At most ${MAX_REDIRECT_URIS} redirect URIs.`, 'invalid_redirect_uri');
  }
  for (const uri of redirectUris) {
    const problem =
      redirectUriProblem(uri) ?? (/^https?:/i.test(uri) ? undefined : 'must use https, or http on loopback');
    if (problem)
      throw new InvalidClientMetadataError(`Redirect URI '${uri.slice(0, 200)}' ${problem}.`, 'invalid_redirect_uri');
  }
  const method = metadata.token_endpoint_auth_method;
  if (method !== undefined && method !== 'none') {
    throw new InvalidClientMetadataError(
      "token_endpoint_auth_method must be 'none': agents are public clients using PKCE.",
    );
  }
  const grantTypes = stringList(metadata, 'grant_types') ?? ['authorization_code'];
  if (
    !grantTypes.includes('authorization_code') ||
    grantTypes.some((g) => g !== 'authorization_code' && g !== 'refresh_token')
  ) {
    throw new InvalidClientMetadataError("grant_types must be 'authorization_code', with 'refresh_token' if wanted.");
  }
  const responseTypes = stringList(metadata, 'response_types') ?? ['code'];
  if (responseTypes.some((r) => r !== 'code')) throw new InvalidClientMetadataError("response_types must be 'code'.");
  const rawName = metadata.client_name ?? 'Unnamed agent';
  if (typeof rawName !== 'string') throw new InvalidClientMetadataError('client_name must be a string.');
  // The same rule as every app name (domain/app-text.ts): no invisible or formatting characters.
  const name = rawName.replace(/^ +| +$/g, '');
  const problem = appTextProblem(name, { min: 1, max: MAX_NAME });
  if (problem) {
    throw new InvalidClientMetadataError(`client_name ${problem}.`);
  }
  const rawScope = metadata.scope ?? AGENT_SCOPES.join(' ');
  if (typeof rawScope !== 'string') throw new InvalidClientMetadataError('scope must be a space-separated string.');
  const scopes = [...new Set(rawScope.split(' ').filter(Boolean))];
  const unknown = scopes.filter((s) => !(AGENT_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new InvalidClientMetadataError(`scope may hold only ${AGENT_SCOPES.join(' and ')}.`);
  }
  for (const name of ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'jwks_uri']) {
    if (metadata[name] !== undefined && typeof metadata[name] !== 'string') {
      throw new InvalidClientMetadataError(`${name} must be a string.`);
    }
  }
  if (metadata.jwks !== undefined || metadata.jwks_uri !== undefined) {
    throw new InvalidClientMetadataError('Agents are public clients: jwks and jwks_uri are not accepted.');
  }
  return { name, redirectUris: [...new Set(redirectUris)], scopes };
}
