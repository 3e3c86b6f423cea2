/** A group of the upstream's groups claim that makes its members members of a Grantboard team. */
export interface UpstreamTeamMapping {
  group: string;
  teamId: string;
  role: 'member' | 'admin';
}

/**
 * An upstream OpenID Connect provider users may sign in with (ARCHITECTURE.md decision 20), one
 * entry of `GRANTBOARD_OIDC_PROVIDERS`.
 */
export interface UpstreamProvider {
  /** The path segment of its sign-in and callback routes: `/signin/upstream/<id>`. */
  id: string;
  /** Shown on the sign-in page: "Continue with <name>". */
  name: string;
  /** The issuer identifier; its `/.well-known/openid-configuration` is read on first use (OIDC Discovery §4). */
  issuer: string;
  clientId: string;
  /** Absent: a public client (PKCE only, no client authentication at the token endpoint). */
  clientSecret: string | undefined;
  /** Always includes `openid`. */
  scopes: string[];
  /** Which claims hold the user's name, email and groups. */
  claims: { name: string; email: string; groups: string };
  /** Groups → team memberships, applied at every sign-in; empty: memberships are left to team admins. */
  teams: UpstreamTeamMapping[];
  /** Link a first sign-in to an existing account with the same email, when the provider says it is verified. */
  linkByEmail: boolean;
  /** The issuer is http: allowed for loopback hosts outside production only (local development, tests). */
  insecureIssuer: boolean;
}

const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const KEYS = new Set(['id', 'name', 'issuer', 'clientId', 'clientSecret', 'scopes', 'claims', 'teams', 'linkByEmail']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export class UpstreamConfigError extends Error {}

function text(entry: Record<string, unknown>, key: string, where: string, fallback?: string): string {
  const value = entry[key] ?? fallback;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 2000) {
    throw new UpstreamConfigError(`${where}: '${key}' must be a non-empty string.`);
  }
  return value.trim();
}

function issuerOf(raw: string, where: string, production: boolean): { issuer: string; insecure: boolean } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UpstreamConfigError(`${where}: 'issuer' must be an absolute URL, not '${raw}'.`);
  }
  if (url.search || url.hash) throw new UpstreamConfigError(`${where}: 'issuer' must have no query or fragment.`);
  // OIDC Discovery §3: the issuer is an https URL. Plain http only for a provider on this machine.
  if (url.protocol === 'https:') return { issuer: raw, insecure: false };
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname) && !production) return { issuer: raw, insecure: true };
  throw new UpstreamConfigError(
    `${where}: 'issuer' must be an https URL (http only for localhost outside production), not '${raw}'.`,
  );
}

function claimsOf(value: unknown, where: string): UpstreamProvider['claims'] {
  const claims = { name: 'name', email: 'email', groups: 'groups' };
  if (value === undefined) return claims;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UpstreamConfigError(
      `${where}: 'claims' must be an object like {"name":"name","email":"email","groups":"groups"}.`,
    );
  }
  for (const [key, claim] of Object.entries(value)) {
    if (!(key in claims))
      throw new UpstreamConfigError(`${where}: 'claims' has no setting '${key}' (name, email, groups).`);
    if (typeof claim !== 'string' || claim === '') {
      throw new UpstreamConfigError(`${where}: 'claims.${key}' must be a claim name.`);
    }
    claims[key as keyof typeof claims] = claim;
  }
  return claims;
}

function teamsOf(value: unknown, where: string): UpstreamTeamMapping[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UpstreamConfigError(`${where}: 'teams' must be an array.`);
  return value.map((mapping, index) => {
    const at = `${where}.teams[${index}]`;
    if (typeof mapping !== 'object' || mapping === null) {
      throw new UpstreamConfigError(`${at} must be an object like {"group":"eng","teamId":"…","role":"member"}.`);
    }
    const m = mapping as Record<string, unknown>;
    for (const key of Object.keys(m)) {
      if (!['group', 'teamId', 'role'].includes(key)) throw new UpstreamConfigError(`${at} has no setting '${key}'.`);
    }
    const role = m.role ?? 'member';
    if (role !== 'member' && role !== 'admin') {
      throw new UpstreamConfigError(`${at}: 'role' must be 'member' or 'admin', not '${String(role)}'.`);
    }
    return { group: text(m, 'group', at), teamId: text(m, 'teamId', at), role };
  });
}

/**
 * `GRANTBOARD_OIDC_PROVIDERS`: a JSON array of providers. Every mistake is a sentence naming the
 * entry and the setting; unknown settings are refused, not ignored.
 */
export function parseUpstreamProviders(raw: string | undefined, production: boolean): UpstreamProvider[] {
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new UpstreamConfigError(`GRANTBOARD_OIDC_PROVIDERS must be JSON (${(error as Error).message}).`);
  }
  if (!Array.isArray(parsed))
    throw new UpstreamConfigError('GRANTBOARD_OIDC_PROVIDERS must be a JSON array of providers.');
  const seen = new Set<string>();
  return parsed.map((value, index) => {
    const where = `GRANTBOARD_OIDC_PROVIDERS[${index}]`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UpstreamConfigError(`${where} must be an object.`);
    }
    const entry = value as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!KEYS.has(key)) throw new UpstreamConfigError(`${where} has no setting '${key}'.`);
    }
    const id = text(entry, 'id', where);
    if (!ID.test(id)) {
      throw new UpstreamConfigError(`${where}: 'id' must be 1 to 32 lowercase letters, digits or dashes, not '${id}'.`);
    }
    if (seen.has(id)) throw new UpstreamConfigError(`${where}: 'id' '${id}' is used twice.`);
    seen.add(id);
    const { issuer, insecure } = issuerOf(text(entry, 'issuer', where), where, production);
    const scopes = entry.scopes ?? ['openid', 'email', 'profile'];
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
      throw new UpstreamConfigError(`${where}: 'scopes' must be an array of scope names.`);
    }
    const linkByEmail = entry.linkByEmail ?? false;
    if (typeof linkByEmail !== 'boolean')
      throw new UpstreamConfigError(`${where}: 'linkByEmail' must be true or false.`);
    const clientSecret = entry.clientSecret === undefined ? undefined : text(entry, 'clientSecret', where);
    const name = text(entry, 'name', where, id);
    if (name.length > 60) throw new UpstreamConfigError(`${where}: 'name' must be at most 60 characters.`);
    return {
      id,
      name,
      issuer,
      clientId: text(entry, 'clientId', where),
      clientSecret,
      // OIDC Core §3.1.2.1: `openid` must be requested.
      scopes: [...new Set(['openid', ...(scopes as string[])])],
      claims: claimsOf(entry.claims, where),
      teams: teamsOf(entry.teams, where),
      linkByEmail,
      insecureIssuer: insecure,
    };
  });
}
