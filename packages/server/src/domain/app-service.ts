import { isScope } from '@grantboard/protocol';
import { secretsEqual } from '../lib/compare.js';
import { isNumericId, numericId } from '../lib/ids.js';
import { deriveKey, open, seal } from '../lib/sealed-box.js';
import { mintToken } from '../lib/tokens.js';
import type { App } from '../storage/repositories/apps.js';
import type { TeamRow } from '../storage/repositories/teams.js';
import { type ClientMetadataService, isMetadataDocumentUrl } from './client-metadata-service.js';
import { ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import { redirectUriProblem } from './redirect-uri.js';
import type { ServiceContext } from './service-context.js';

export interface NewApp {
  name: string;
  teamId: string;
  createdBy: string;
  redirectUris: string[];
  scopes: string[];
  /** Fixed at creation: 1 h access + 60 d rotating refresh tokens, or tokens that live until uninstall. */
  expiring: boolean;
  /** Public apps (single-page, native, CLI) get no secret and must use PKCE. */
  public?: boolean;
  sdkUri?: string | null;
  sdkRedirectUri?: string | null;
  /**
   * An existing client id and secret to keep, e.g. a Miro app's, so the app runs against a local
   * Grantboard with its configuration unchanged. New ones are generated otherwise.
   */
  clientId?: string;
  clientSecret?: string;
}

export interface AppChanges {
  name?: string;
  redirectUris?: string[];
  scopes?: string[];
  sdkUri?: string | null;
  sdkRedirectUri?: string | null;
  /** Refused: the token mode cannot change after creation. */
  expiring?: boolean;
}

export type ClientAuthentication = { ok: true; app: App } | { ok: false; reason: string };

const MAX_REDIRECT_URIS = 20;

export function appService(
  { config, repos, clock }: ServiceContext,
  metadataDocuments: ClientMetadataService | undefined = undefined,
) {
  const secretKey = deriveKey(config.secretKey, 'client secret');
  // Keys being rotated out still decrypt; only the current key encrypts.
  const readKeys = [config.secretKey, ...config.previousSecretKeys].map((key) => deriveKey(key, 'client secret'));

  function openSecret(app: App): string | undefined {
    if (app.secretSealed === null) return undefined;
    for (const key of readKeys) {
      const secret = open(key, app.secretSealed, app.id);
      if (secret !== undefined) return secret;
    }
    return undefined;
  }

  function checkName(name: string): string {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 60)
      throw new ValidationError('The app name must be 1 to 60 characters.', 'name');
    if (/[\u0000-\u001f\u007f]/.test(trimmed))
      throw new ValidationError('The app name must not contain control characters.', 'name');
    return trimmed;
  }

  function checkRedirectUris(uris: string[]): string[] {
    const unique = [...new Set(uris.map((u) => u.trim()).filter(Boolean))];
    if (unique.length === 0) throw new ValidationError('Add at least one redirect URI.', 'redirectUris');
    if (unique.length > MAX_REDIRECT_URIS)
      throw new ValidationError(`At most ${MAX_REDIRECT_URIS} redirect URIs.`, 'redirectUris');
    for (const uri of unique) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new ValidationError(`Redirect URI '${uri}' ${problem}.`, 'redirectUris');
    }
    return unique;
  }

  function checkScopes(scopes: string[]): string[] {
    const unique = [...new Set(scopes.filter(Boolean))];
    if (unique.length === 0) throw new ValidationError('Choose at least one scope.', 'scopes');
    const unknown = unique.filter((s) => !isScope(s));
    if (unknown.length > 0) throw new ValidationError(`Unknown scope: ${unknown.join(', ')}.`, 'scopes');
    return unique;
  }

  function checkSdk(
    redirectUris: string[],
    sdkUri: string | null | undefined,
    sdkRedirectUri: string | null | undefined,
  ) {
    if (sdkUri) {
      const problem = redirectUriProblem(sdkUri);
      if (problem) throw new ValidationError(`App URL '${sdkUri}' ${problem}.`, 'sdkUri');
    }
    if (sdkRedirectUri && !redirectUris.includes(sdkRedirectUri)) {
      throw new ValidationError(
        'The redirect URI for SDK authorization must be one of the redirect URIs.',
        'sdkRedirectUri',
      );
    }
  }

  function sealSecret(appId: string, secret: string): string {
    return seal(secretKey, secret, appId);
  }

  return {
    /** Registers an app; returns the client secret once, for confidential apps. */
    async create(input: NewApp): Promise<{ app: App; clientSecret: string | undefined }> {
      const name = checkName(input.name);
      const redirectUris = checkRedirectUris(input.redirectUris);
      const scopes = checkScopes(input.scopes);
      checkSdk(redirectUris, input.sdkUri, input.sdkRedirectUri);
      if (!(await repos.teams.findById(input.teamId)))
        throw new NotFoundError(`There is no team with id ${input.teamId}.`);
      if (!(await repos.users.findById(input.createdBy)))
        throw new NotFoundError(`There is no user with id ${input.createdBy}.`);
      const id = input.clientId ?? numericId();
      if (!isNumericId(id)) throw new ValidationError('A client id is a string of 1 to 30 digits.', 'clientId');
      if (input.clientId !== undefined && (await repos.apps.findById(id))) {
        throw new ValidationError(`An app with client id ${id} already exists.`, 'clientId');
      }
      if (input.clientSecret !== undefined && (input.public || !/^[\x21-\x7e]{16,512}$/.test(input.clientSecret))) {
        throw new ValidationError(
          'A client secret is 16 to 512 printable characters, and public apps have none.',
          'clientSecret',
        );
      }
      const now = clock.now();
      const clientSecret = input.public ? undefined : (input.clientSecret ?? mintToken('clientSecret'));
      const secretSealed = clientSecret ? sealSecret(id, clientSecret) : null;
      const app: App = {
        id,
        name,
        teamId: input.teamId,
        createdBy: input.createdBy,
        isPublic: secretSealed === null,
        secretSealed,
        redirectUris,
        sdkRedirectUri: input.sdkRedirectUri ?? null,
        sdkUri: input.sdkUri ?? null,
        scopes,
        expiring: input.expiring,
        createdAt: now,
        updatedAt: now,
        registration: null,
        registrationExpiresAt: null,
      };
      await repos.apps.create(app);
      await repos.audit.record({
        type: 'app_created',
        at: now,
        actorId: input.createdBy,
        teamId: input.teamId,
        appId: id,
      });
      return { app, clientSecret };
    },

    async update(appId: string, changes: AppChanges, actorId: string | null): Promise<App> {
      const app = await repos.apps.findById(appId);
      if (!app) throw new NotFoundError(`There is no app with client id ${appId}.`);
      if (changes.expiring !== undefined && changes.expiring !== app.expiring) {
        throw new ValidationError(
          'Expiring or non-expiring tokens are chosen when the app is created and cannot be changed.',
          'expiring',
        );
      }
      const redirectUris = changes.redirectUris ? checkRedirectUris(changes.redirectUris) : app.redirectUris;
      const sdkRedirectUri = changes.sdkRedirectUri !== undefined ? changes.sdkRedirectUri : app.sdkRedirectUri;
      const next = {
        name: changes.name !== undefined ? checkName(changes.name) : app.name,
        redirectUris,
        scopes: changes.scopes ? checkScopes(changes.scopes) : app.scopes,
        sdkUri: changes.sdkUri !== undefined ? changes.sdkUri : app.sdkUri,
        sdkRedirectUri: sdkRedirectUri && redirectUris.includes(sdkRedirectUri) ? sdkRedirectUri : null,
        updatedAt: clock.now(),
      };
      checkSdk(redirectUris, next.sdkUri, next.sdkRedirectUri);
      await repos.apps.update(appId, next);
      await repos.audit.record({ type: 'app_updated', at: next.updatedAt, actorId, teamId: app.teamId, appId });
      return { ...app, ...next };
    },

    /** Issues a new client secret; the old one stops working at once. `actorId` null: the operator's CLI. */
    async rotateSecret(appId: string, actorId: string | null): Promise<string> {
      const app = await repos.apps.findById(appId);
      if (!app) throw new NotFoundError(`There is no app with client id ${appId}.`);
      if (app.isPublic) throw new ValidationError('Public apps have no client secret.');
      const secret = mintToken('clientSecret');
      const now = clock.now();
      await repos.apps.update(appId, { secretSealed: sealSecret(appId, secret), updatedAt: now });
      await repos.audit.record({ type: 'client_secret_rotated', at: now, actorId, teamId: app.teamId, appId });
      return secret;
    },

    /**
     * Deletes an app: every token it holds in every team stops working at once, its installations go,
     * and its client id stops being recognised. `actorId` must be a member of the app's developer
     * team unless it is null (the operator's CLI).
     */
    async remove(appId: string, actorId: string | null): Promise<{ revokedFamilies: number }> {
      const app = await repos.apps.findById(appId);
      if (!app) throw new NotFoundError(`There is no app with client id ${appId}.`);
      if (actorId !== null && (app.teamId === null || !(await repos.teams.role(app.teamId, actorId)))) {
        throw new ForbiddenError("Only members of the app's developer team can delete it.");
      }
      const now = clock.now();
      const result = await repos.apps.remove(appId, now);
      if (!result.removed) throw new NotFoundError(`There is no app with client id ${appId}.`);
      await repos.audit.record({
        type: 'app_deleted',
        at: now,
        actorId,
        teamId: app.teamId,
        appId,
        detail: { appName: app.name, revokedFamilies: result.revokedFamilies },
      });
      return { revokedFamilies: result.revokedFamilies };
    },

    /** Every app, or a developer team's apps: for the operator's CLI. */
    list(teamId?: string): Promise<App[]> {
      return repos.apps.list(teamId);
    },

    /** The app with this client id; anything that is not a client id is not looked up. */
    async find(clientId: string): Promise<App | undefined> {
      return isNumericId(clientId) || isMetadataDocumentUrl(clientId) ? repos.apps.findById(clientId) : undefined;
    },

    /**
     * The client of an authorization request: a registered app, or the agent a client metadata
     * document URL describes, fetched (or taken from the cache) now. Throws
     * `ClientMetadataUnavailable` when such a document cannot be used.
     */
    async resolveClient(clientId: string): Promise<App | undefined> {
      if (isMetadataDocumentUrl(clientId) && metadataDocuments) return metadataDocuments.resolve(clientId);
      return this.find(clientId);
    },

    /**
     * Client authentication (RFC 6749 §2.3): a confidential app by its secret, a public app by its
     * client id alone — a secret it sends is refused, not ignored. The failure reason is for logs.
     */
    async authenticate(clientId: string, secret: string | undefined): Promise<ClientAuthentication> {
      const app = await this.find(clientId);
      if (!app) return { ok: false, reason: 'unknown client' };
      if (app.isPublic)
        return secret === undefined ? { ok: true, app } : { ok: false, reason: 'public client sent a secret' };
      if (secret === undefined) return { ok: false, reason: 'no client secret' };
      return this.secretMatches(app, secret) ? { ok: true, app } : { ok: false, reason: 'wrong client secret' };
    },

    /** The client secret in the clear, for the developer console and for signing Web SDK id tokens. */
    revealSecret(app: App): string | undefined {
      return openSecret(app);
    },

    /**
     * Re-encrypts every client secret under the current server key, after a key rotation; secrets
     * no key can open are reported, not changed.
     */
    async resealSecrets(): Promise<{ resealed: number; unreadable: string[] }> {
      const unreadable: string[] = [];
      let resealed = 0;
      for (const app of await repos.apps.list()) {
        if (app.secretSealed === null) continue;
        const secret = openSecret(app);
        if (secret === undefined) {
          unreadable.push(app.id);
          continue;
        }
        if (open(secretKey, app.secretSealed, app.id) === undefined) {
          await repos.apps.update(app.id, { secretSealed: sealSecret(app.id, secret), updatedAt: app.updatedAt });
          resealed++;
        }
      }
      return { resealed, unreadable };
    },

    /** Constant-time comparison of a presented secret with the app's (RFC 6819 §5.1.4.1.3). */
    secretMatches(app: App, presented: string): boolean {
      return secretsEqual(openSecret(app), presented);
    },

    /** A user registers an app for one of their own teams (the console); the team is checked first. */
    async register(input: NewApp): Promise<{ app: App; clientSecret: string | undefined }> {
      if (!isNumericId(input.teamId) || !(await repos.teams.role(input.teamId, input.createdBy))) {
        throw new ValidationError('Choose one of your teams as the developer team.', 'teamId');
      }
      return this.create(input);
    },

    /** The apps of the developer teams the user belongs to, by name, each with its team's name. */
    async ofMember(userId: string): Promise<{ app: App; teamName: string }[]> {
      return (await repos.apps.ofMember(userId)).sort((a, b) => a.app.name.localeCompare(b.app.name));
    },

    /** An app the user may manage in the console (a member of its developer team), with that team. */
    async managed(appId: string, userId: string): Promise<{ app: App; team: TeamRow } | undefined> {
      return isNumericId(appId) ? repos.apps.findForMember(appId, userId) : undefined;
    },
  };
}

export type AppService = ReturnType<typeof appService>;
