import { isScope } from '@grantboard/protocol';
import { digestMatches, secretDigest } from '../lib/compare.js';
import { isNumericId, numericId } from '../lib/ids.js';
import { deriveKey, open, seal } from '../lib/sealed-box.js';
import { mintToken } from '../lib/tokens.js';
import type { App, AppIdentity } from '../storage/repositories/apps.js';
import type { TeamRow } from '../storage/repositories/teams.js';
import { appTextProblem, NO_IDENTITY, shorten } from './app-text.js';
import { type ClientMetadataService, isMetadataDocumentUrl } from './client-metadata-service.js';
import { ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import { outboxEvent } from './events.js';
import { redirectUriProblem, webLinkProblem } from './redirect-uri.js';
import type { ResourceServerService } from './resource-server-service.js';
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
  /** Description and links shown on the consent page; an empty string or null leaves one out. */
  identity?: IdentityInput;
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
  /** Only the fields given change; an empty string or null removes one. */
  identity?: IdentityInput;
  /** Refused: the token mode cannot change after creation. */
  expiring?: boolean;
}

export type IdentityInput = { [K in keyof AppIdentity]?: string | null };

export type ClientAuthentication = { ok: true; app: App } | { ok: false; reason: string };

const MAX_REDIRECT_URIS = 20;
const MAX_DESCRIPTION = 300;

const LINKS = [
  ['logoUrl', 'The logo URL'],
  ['homepageUrl', 'The homepage URL'],
  ['privacyUrl', 'The privacy policy URL'],
  ['termsUrl', 'The terms of service URL'],
] as const;

export function appService(
  { config, repos, clock }: ServiceContext,
  metadataDocuments: ClientMetadataService | undefined = undefined,
  resourceServers: Pick<ResourceServerService, 'unknownScopes'> | undefined = undefined,
) {
  const secretKey = deriveKey(config.secretKey, 'client secret');
  // Keys being rotated out still decrypt; only the current key encrypts.
  const readKeys = [config.secretKey, ...config.previousSecretKeys].map((key) => deriveKey(key, 'client secret'));

  function openSealed(appId: string, sealed: string): string | undefined {
    for (const key of readKeys) {
      const secret = open(key, sealed, appId);
      if (secret !== undefined) return secret;
    }
    return undefined;
  }

  // The digest of each sealed secret once opened, so client authentication on every token request
  // hashes the presented secret instead of decrypting the stored one. Keyed by the ciphertext: a
  // rotated secret has a new one. Bounded: emptied when full.
  const openedDigests = new Map<string, Buffer | undefined>();
  function sealedDigest(appId: string, sealed: string): Buffer | undefined {
    const key = `${appId} ${sealed}`;
    if (openedDigests.has(key)) return openedDigests.get(key);
    if (openedDigests.size >= 10_000) openedDigests.clear();
    const secret = openSealed(appId, sealed);
    const digest = secret === undefined ? undefined : secretDigest(secret);
    openedDigests.set(key, digest);
    return digest;
  }

  function openSecret(app: App): string | undefined {
    return app.secretSealed === null ? undefined : openSealed(app.id, app.secretSealed);
  }

  const ownOrigin = new URL(config.publicUrl).origin;

  // One rule for every surface that names an app (console, CLI, registration): docs/security.md.
  function checkName(name: string): string {
    // Only plain spaces are trimmed: any other character at either end is checked like the rest.
    const trimmed = name.replace(/^ +| +$/g, '');
    const problem = appTextProblem(trimmed, { min: 1, max: 60 });
    if (problem) throw new ValidationError(`The app name ${problem}.`, 'name');
    return trimmed;
  }

  /** The identity fields given, checked; absent fields stay absent, empty ones become null. */
  function checkIdentity(input: IdentityInput): Partial<AppIdentity> {
    const checked: Partial<AppIdentity> = {};
    if (input.description !== undefined) {
      const text = (input.description ?? '').replace(/\r\n?/g, '\n').trim();
      const problem = appTextProblem(text, { min: 0, max: MAX_DESCRIPTION, lineBreaks: true });
      if (problem) throw new ValidationError(`The description ${problem}.`, 'description');
      checked.description = text || null;
    }
    for (const [field, label] of LINKS) {
      const given = input[field];
      if (given === undefined) continue;
      const value = (given ?? '').trim();
      const problem = value ? webLinkProblem(value, { path: field === 'logoUrl' }) : undefined;
      if (problem) throw new ValidationError(`${label} '${shorten(value)}' ${problem}.`, field);
      checked[field] = value || null;
    }
    return checked;
  }

  function checkRedirectUris(uris: string[]): string[] {
    const unique = [...new Set(uris.map((u) => u.trim()).filter(Boolean))];
    if (unique.length === 0) throw new ValidationError('Add at least one redirect URI.', 'redirectUris');
    if (unique.length > MAX_REDIRECT_URIS)
      throw new ValidationError(`At most ${MAX_REDIRECT_URIS} redirect URIs.`, 'redirectUris');
    for (const uri of unique) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new ValidationError(`Redirect URI '${shorten(uri)}' ${problem}.`, 'redirectUris');
    }
    return unique;
  }

  /** Miro's scopes, and those of the registered resource servers (docs/platform.md). */
  async function checkScopes(scopes: string[]): Promise<string[]> {
    const unique = [...new Set(scopes.filter(Boolean))];
    if (unique.length === 0) throw new ValidationError('Choose at least one scope.', 'scopes');
    const unknown = resourceServers ? await resourceServers.unknownScopes(unique) : unique.filter((s) => !isScope(s));
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
      if (problem) throw new ValidationError(`App URL '${shorten(sdkUri)}' ${problem}.`, 'sdkUri');
      // The app's frame must not share Grantboard's origin: it would read Grantboard's pages and cookies.
      if (new URL(sdkUri).origin === ownOrigin)
        throw new ValidationError(
          `App URL '${shorten(sdkUri)}' is on Grantboard's own origin; serve the app from an origin of its own.`,
          'sdkUri',
        );
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
      const scopes = await checkScopes(input.scopes);
      checkSdk(redirectUris, input.sdkUri, input.sdkRedirectUri);
      const identity = checkIdentity(input.identity ?? {});
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
        previousSecret: null,
        redirectUris,
        sdkRedirectUri: input.sdkRedirectUri ?? null,
        sdkUri: input.sdkUri ?? null,
        scopes,
        expiring: input.expiring,
        identity: { ...NO_IDENTITY, ...identity },
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
        scopes: changes.scopes ? await checkScopes(changes.scopes) : app.scopes,
        sdkUri: changes.sdkUri !== undefined ? changes.sdkUri : app.sdkUri,
        sdkRedirectUri: sdkRedirectUri && redirectUris.includes(sdkRedirectUri) ? sdkRedirectUri : null,
        identity: { ...app.identity, ...checkIdentity(changes.identity ?? {}) },
        updatedAt: clock.now(),
      };
      checkSdk(redirectUris, next.sdkUri, next.sdkRedirectUri);
      await repos.apps.update(appId, next);
      await repos.audit.record({ type: 'app_updated', at: next.updatedAt, actorId, teamId: app.teamId, appId });
      return { ...app, ...next };
    },

    /**
     * Issues a new client secret. The one it replaces keeps authenticating the client for
     * `CLIENT_SECRET_OVERLAP_SECONDS` (so back ends can be redeployed), then fails; an older previous
     * secret is dropped. Web SDK id tokens are signed with the new secret at once. `actorId` null:
     * the operator's CLI.
     */
    async rotateSecret(appId: string, actorId: string | null): Promise<string> {
      const app = await repos.apps.findById(appId);
      if (!app) throw new NotFoundError(`There is no app with client id ${appId}.`);
      if (app.secretSealed === null) throw new ValidationError('Public apps have no client secret.');
      const secret = mintToken('clientSecret');
      const now = clock.now();
      // An agent of no team yet belongs to no organization: nobody to tell.
      const events =
        app.teamId === null
          ? []
          : [
              outboxEvent('app.secret_rotated', app.teamId, now, {
                app: { id: app.id, name: app.name },
                team: { id: app.teamId },
                rotatedBy: actorId === null ? null : { id: actorId },
              }),
            ];
      const overlapMs = config.clientSecretOverlapSeconds * 1000;
      const previousExpiresAt = overlapMs > 0 ? now + overlapMs : null;
      const rotated = await repos.apps.rotateSecret(appId, app.secretSealed, {
        sealed: sealSecret(appId, secret),
        previousExpiresAt,
        now,
        events,
      });
      if (!rotated)
        throw new ValidationError(
          'The secret was rotated by someone else at the same moment; reload the page to see the current one.',
        );
      await repos.audit.record({
        type: 'client_secret_rotated',
        at: now,
        actorId,
        teamId: app.teamId,
        appId,
        detail: { previousValidUntil: previousExpiresAt === null ? null : new Date(previousExpiresAt).toISOString() },
      });
      return secret;
    },

    /** When the secret before the last rotation stops working, if it still works. */
    previousSecretExpiry(app: App): number | undefined {
      const previous = app.previousSecret;
      return previous && previous.expiresAt > clock.now() ? previous.expiresAt : undefined;
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

    /** The apps that registered this exact redirect URI (the demo apps, for `/demo/callback`). */
    withRedirectUri(uri: string): Promise<App[]> {
      return repos.apps.withRedirectUri(uri);
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
        const previous = app.previousSecret && openSealed(app.id, app.previousSecret.sealed);
        const current = open(secretKey, app.secretSealed, app.id) !== undefined;
        const previousCurrent = !app.previousSecret || open(secretKey, app.previousSecret.sealed, app.id) !== undefined;
        if (!current || !previousCurrent) {
          await repos.apps.resealSecrets(
            app.id,
            sealSecret(app.id, secret),
            previous ? sealSecret(app.id, previous) : null,
          );
          resealed++;
        }
      }
      return { resealed, unreadable };
    },

    /**
     * Constant-time comparison of a presented secret with the app's (RFC 6819 §5.1.4.1.3): the
     * current one, or the previous one until its overlap ends. Both comparisons always run.
     */
    secretMatches(app: App, presented: string): boolean {
      const current = digestMatches(
        app.secretSealed === null ? undefined : sealedDigest(app.id, app.secretSealed),
        presented,
      );
      const previous = app.previousSecret;
      const old = digestMatches(previous ? sealedDigest(app.id, previous.sealed) : undefined, presented);
      return current || (old && previous !== null && previous.expiresAt > clock.now());
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
