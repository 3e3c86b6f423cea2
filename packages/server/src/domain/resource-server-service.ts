import { isScope, parseScopeList } from '@grantboard/protocol';
import { secretsEqual } from '../lib/compare.js';
import { numericId } from '../lib/ids.js';
import { digest, mintToken } from '../lib/tokens.js';
import type { App } from '../storage/repositories/apps.js';
import type { RegisteredResourceServer, ResourceScope } from '../storage/repositories/resource-servers.js';
import type { TokenFormat } from '../storage/schema.js';
import { appTextProblem, shorten } from './app-text.js';
import { InvalidScopeError, InvalidTargetError, NotFoundError, ValidationError } from './errors.js';
import { BOARDS_API_NAME, resourceServers } from './resource-servers.js';
import type { ServiceContext } from './service-context.js';

export type { RegisteredResourceServer, ResourceScope } from '../storage/repositories/resource-servers.js';

/** What an organization (or the platform operator) registers. */
export interface NewResourceServerInput {
  identifier: string;
  name: string;
  organizationId?: string | null;
  scopes: ResourceScope[];
  tokenFormat?: TokenFormat;
  accessTokenTtlSeconds?: number;
}

/** The access token a grant's audience gets: opaque or RFC 9068 JWT, and for how long. */
export interface TokenPolicy {
  format: TokenFormat;
  /** Seconds; undefined: the app's token mode and `ACCESS_TOKEN_TTL_SECONDS` decide (the Boards API). */
  ttlSeconds: number | undefined;
  /** The registered server, when the audience is one. */
  server: RegisteredResourceServer | undefined;
}

/** The scopes of one API as the consent page groups them. */
export interface ScopeGroup {
  api: string;
  identifier: string | null;
  scopes: { name: string; consentText: string | undefined }[];
}

/** RFC 9068 access tokens are short-lived: at most an hour, 5 minutes unless the server says otherwise. */
export const JWT_DEFAULT_TTL_SECONDS = 300;
export const JWT_MAX_TTL_SECONDS = 3600;
const OPAQUE_MAX_TTL_SECONDS = 24 * 3600;
const MIN_TTL_SECONDS = 60;
const MAX_SCOPES = 50;
const MAX_IDENTIFIER = 500;
/** Introspection client ids of resource servers; app client ids are digits only, so the two never meet. */
const CLIENT_ID_PREFIX = 'rs-';

export function isResourceServerClientId(clientId: string): boolean {
  return clientId.startsWith(CLIENT_ID_PREFIX);
}

/**
 * The platform's own resource servers (ARCHITECTURE.md decision 19, docs/platform.md): registration,
 * introspection credentials, and the rules that bind a grant's scopes to its audience.
 */
export function resourceServerService({ config, repos, clock }: ServiceContext) {
  const builtIn = resourceServers(config.publicUrl);

  function checkIdentifier(raw: unknown): string {
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_IDENTIFIER || !/^[\x21-\x7e]+$/.test(raw))
      throw new ValidationError(
        `The identifier is an absolute URI of at most ${MAX_IDENTIFIER} printable characters.`,
        'identifier',
      );
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ValidationError(`The identifier '${shorten(raw)}' is not an absolute URI.`, 'identifier');
    }
    // RFC 8707 §2: a resource is an absolute URI and must not include a fragment.
    if (raw.includes('#')) throw new ValidationError('The identifier must not contain a fragment.', 'identifier');
    if (url.username || url.password)
      throw new ValidationError('The identifier must not contain a user name or password.', 'identifier');
    const normal = url.href;
    if (builtIn.all.some((uri) => new URL(uri).href === normal))
      throw new ValidationError('The identifier is one of the built-in resource servers.', 'identifier');
    return normal;
  }

  function checkScopes(raw: unknown): ResourceScope[] {
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_SCOPES)
      throw new ValidationError(`A resource server has 1 to ${MAX_SCOPES} scopes.`, 'scopes');
    const names = new Set<string>();
    return raw.map((entry) => {
      const { name, consentText } = (entry ?? {}) as { name?: unknown; consentText?: unknown };
      // RFC 6749 §3.3: one scope-token, no spaces.
      if (typeof name !== 'string' || name.length > 100 || parseScopeList(name)?.length !== 1)
        throw new ValidationError('A scope name is 1 to 100 printable characters without spaces or quotes.', 'scopes');
      if (isScope(name)) throw new ValidationError(`The scope ${name} belongs to the Boards API.`, 'scopes');
      if (names.has(name)) throw new ValidationError(`The scope ${name} is listed twice.`, 'scopes');
      names.add(name);
      const text = typeof consentText === 'string' ? consentText.trim() : '';
      const problem = typeof consentText === 'string' ? appTextProblem(text, { min: 1, max: 200 }) : 'is missing';
      if (problem) throw new ValidationError(`The consent text of ${name} ${problem}.`, 'scopes');
      return { name, consentText: text };
    });
  }

  function checkPolicy(format: unknown, ttl: unknown): { tokenFormat: TokenFormat; accessTokenTtlSeconds: number } {
    const tokenFormat = format ?? 'opaque';
    if (tokenFormat !== 'opaque' && tokenFormat !== 'jwt')
      throw new ValidationError("The token format is 'opaque' or 'jwt'.", 'tokenFormat');
    const max = tokenFormat === 'jwt' ? JWT_MAX_TTL_SECONDS : OPAQUE_MAX_TTL_SECONDS;
    const seconds = ttl ?? (tokenFormat === 'jwt' ? JWT_DEFAULT_TTL_SECONDS : config.accessTokenTtlSeconds);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < MIN_TTL_SECONDS || seconds > max)
      throw new ValidationError(
        `The access token lifetime of a ${tokenFormat} resource server is ${MIN_TTL_SECONDS} to ${max} seconds.`,
        'accessTokenTtlSeconds',
      );
    return { tokenFormat, accessTokenTtlSeconds: seconds };
  }

  async function registeredFor(identifiers: readonly string[]): Promise<RegisteredResourceServer[]> {
    const registered = identifiers.filter((uri) => !builtIn.all.includes(uri));
    return repos.resourceServers.findByIdentifiers(registered);
  }

  return {
    builtIn,

    /** Registers an API; returns its introspection client secret, once. Nothing is written on a refusal. */
    async register(
      input: NewResourceServerInput,
      actorId: string | null,
    ): Promise<{ server: RegisteredResourceServer; clientSecret: string }> {
      const identifier = checkIdentifier(input.identifier);
      const name = typeof input.name === 'string' ? input.name.replace(/^ +| +$/g, '') : '';
      const nameProblem = appTextProblem(name, { min: 1, max: 60 });
      if (nameProblem) throw new ValidationError(`The name ${nameProblem}.`, 'name');
      const scopes = checkScopes(input.scopes);
      const policy = checkPolicy(input.tokenFormat, input.accessTokenTtlSeconds);
      const organizationId = input.organizationId ?? null;
      if (organizationId !== null) {
        if (typeof organizationId !== 'string' || !(await repos.resourceServers.organizationExists(organizationId)))
          throw new NotFoundError(`There is no organization with id ${String(organizationId).slice(0, 40)}.`);
      }
      const clientSecret = mintToken('clientSecret');
      const server: RegisteredResourceServer = {
        id: numericId(),
        identifier,
        name,
        organizationId,
        ...policy,
        clientId: `${CLIENT_ID_PREFIX}${numericId()}`,
        scopes,
        createdAt: clock.now(),
      };
      const conflict = await repos.resourceServers.create({ ...server, secretDigest: digest(clientSecret) });
      if (conflict) throw new ValidationError(conflict, conflict.startsWith('Scope') ? 'scopes' : 'identifier');
      await repos.audit.record({
        type: 'resource_server_registered',
        at: server.createdAt,
        actorId,
        detail: { resourceServerId: server.id, identifier, organizationId },
      });
      return { server, clientSecret };
    },

    list(organizationId?: string): Promise<RegisteredResourceServer[]> {
      return repos.resourceServers.list(organizationId);
    },

    async get(id: string): Promise<RegisteredResourceServer> {
      const server = await repos.resourceServers.findById(id);
      if (!server) throw new NotFoundError(`There is no resource server with id ${id.slice(0, 40)}.`);
      return server;
    },

    /** A new introspection secret; the old one stops working at once. */
    async rotateSecret(id: string, actorId: string | null): Promise<string> {
      const secret = mintToken('clientSecret');
      if (!(await repos.resourceServers.replaceSecret(id, digest(secret))))
        throw new NotFoundError(`There is no resource server with id ${id.slice(0, 40)}.`);
      await repos.audit.record({
        type: 'resource_server_secret_rotated',
        at: clock.now(),
        actorId,
        detail: { resourceServerId: id },
      });
      return secret;
    },

    /** The resource server these introspection credentials belong to, compared in constant time. */
    async authenticate(clientId: string, secret: string | undefined): Promise<RegisteredResourceServer | undefined> {
      const found = await repos.resourceServers.findCredentials(clientId);
      if (!found || secret === undefined) return undefined;
      return secretsEqual(found.secretDigest, digest(secret)) ? found.server : undefined;
    },

    /**
     * RFC 8707 §2: the identifiers `resource` values name — the built-in ones and the registered —
     * each once; `invalid_target` for a malformed or unknown one.
     */
    async parseResources(values: readonly string[]): Promise<string[]> {
      const found = new Set<string>();
      const unknown: string[] = [];
      for (const value of values) {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          throw new InvalidTargetError('The resource parameter must be an absolute URI.');
        }
        // RFC 8707 §2: the resource must not include a fragment component.
        if (value.includes('#')) throw new InvalidTargetError('The resource parameter must not contain a fragment.');
        const known = builtIn.all.find((uri) => new URL(uri).href === url.href);
        if (known) found.add(known);
        else unknown.push(url.href);
      }
      const registered = await repos.resourceServers.findByIdentifiers([...new Set(unknown)]);
      for (const uri of unknown) {
        if (!registered.some((server) => server.identifier === uri))
          throw new InvalidTargetError(`Unknown resource '${uri.slice(0, 200)}'.`);
        found.add(uri);
      }
      return [
        ...builtIn.all.filter((uri) => found.has(uri)),
        ...[...found].filter((uri) => !builtIn.all.includes(uri)),
      ];
    },

    /** The scopes among these that neither the Boards API nor a registered resource server defines. */
    async unknownScopes(scopes: readonly string[]): Promise<string[]> {
      const candidates = scopes.filter((scope) => !isScope(scope));
      const owners = await repos.resourceServers.owningScopes(candidates);
      const defined = new Set(owners.flatMap((server) => server.scopes.map((s) => s.name)));
      return candidates.filter((scope) => !defined.has(scope));
    },

    /**
     * The audience of a grant of `scopes` for `resources` (docs/platform.md, "Scopes and audiences"):
     * - named resources: every scope must belong to one of them (Miro's scopes belong to the Boards
     *   API and the MCP server), else `invalid_scope`;
     * - none named: the audience is inferred from the scopes' owners; a grant of Miro's scopes only
     *   stays as it always was (audience null: the Boards API);
     * - a JWT resource server is the whole audience or none of it, and only apps with expiring tokens
     *   (a refresh token renews its short-lived tokens) may use it: `invalid_target` otherwise.
     */
    async audienceFor(app: App, scopes: readonly string[], resources: readonly string[]): Promise<string[] | null> {
      const owners = await repos.resourceServers.owningScopes(scopes.filter((scope) => !isScope(scope)));
      const ownerOf = (scope: string) => owners.find((server) => server.scopes.some((s) => s.name === scope));
      let audience: string[];
      if (resources.length > 0) {
        const outside = scopes.filter((scope) => {
          const owner = ownerOf(scope);
          return owner ? !resources.includes(owner.identifier) : !resources.some((uri) => builtIn.all.includes(uri));
        });
        if (outside.length > 0)
          throw new InvalidScopeError(`These scopes are not for the resources requested: ${outside.join(' ')}.`);
        audience = [...resources];
      } else {
        const registered = [...new Set(scopes.flatMap((scope) => ownerOf(scope)?.identifier ?? []))];
        if (registered.length === 0) return null;
        audience = [...(scopes.some(isScope) ? [builtIn.rest] : []), ...registered];
      }
      const servers = await registeredFor(audience);
      const jwt = servers.filter((server) => server.tokenFormat === 'jwt');
      if (jwt.length > 0 && audience.length > 1)
        throw new InvalidTargetError(
          `${jwt[0]?.name} issues JWT access tokens for itself alone: ask for its scopes in a request of their own.`,
        );
      if (jwt.length > 0 && !app.expiring)
        throw new InvalidTargetError(
          `${jwt[0]?.name} issues short-lived JWT access tokens, which only apps with expiring tokens can renew.`,
        );
      return audience;
    },

    /** The token policy of a grant's audience: a registered server's own, or the Boards API's. */
    async policyFor(audience: readonly string[] | null): Promise<TokenPolicy> {
      const servers = audience === null ? [] : await registeredFor(audience);
      if (servers.length === 0) return { format: 'opaque', ttlSeconds: undefined, server: undefined };
      const jwt = servers.find((server) => server.tokenFormat === 'jwt');
      if (jwt) return { format: 'jwt', ttlSeconds: jwt.accessTokenTtlSeconds, server: jwt };
      // Several opaque servers: the shortest lifetime among them.
      const shortest = servers.reduce((a, b) => (a.accessTokenTtlSeconds <= b.accessTokenTtlSeconds ? a : b));
      return { format: 'opaque', ttlSeconds: shortest.accessTokenTtlSeconds, server: shortest };
    },

    /** The scopes grouped by the API they open, with consent texts, for the consent page. */
    async groups(scopes: readonly string[]): Promise<ScopeGroup[]> {
      const owners = await repos.resourceServers.owningScopes(scopes.filter((scope) => !isScope(scope)));
      const miro = scopes.filter(isScope);
      const groups: ScopeGroup[] = [];
      if (miro.length > 0)
        groups.push({
          api: BOARDS_API_NAME,
          identifier: null,
          scopes: miro.map((name) => ({ name, consentText: undefined })),
        });
      for (const server of owners) {
        const own = server.scopes.filter((s) => scopes.includes(s.name));
        groups.push({ api: server.name, identifier: server.identifier, scopes: own });
      }
      return groups;
    },
  };
}

export type ResourceServerService = ReturnType<typeof resourceServerService>;
