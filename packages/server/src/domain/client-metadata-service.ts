import { DocumentFetchError, type DocumentFetcher, documentFetcher } from '../lib/document-fetch.js';
import type { App } from '../storage/repositories/apps.js';
import { readAgentMetadata } from './agent-clients.js';
import { NO_IDENTITY } from './app-text.js';
import { InvalidClientMetadataError } from './errors.js';
import type { ServiceContext } from './service-context.js';

/** Limits of a client metadata document fetch (docs/mcp.md). */
export const METADATA_LIMITS = { maxBytes: 5 * 1024, timeoutMs: 5000 } as const;
/** How long a document is kept without cache headers, and at most whatever they say. */
const DEFAULT_TTL_MS = 5 * 60_000;
const MAX_TTL_MS = 24 * 3600_000;
/** Documents kept in memory per process; the oldest goes first. */
const MAX_CACHED = 1000;

/** A client id that is a metadata document URL: https, with a path (the draft's §3 requirements). */
export function isMetadataDocumentUrl(clientId: string): boolean {
  if (!clientId.startsWith('https://') || clientId.length > 2000) return false;
  try {
    const url = new URL(clientId);
    return url.pathname !== '/' && !url.hash && !url.username && !url.password && url.href === clientId;
  } catch {
    return false;
  }
}

/** RFC 9111 §5.2.2: how long a response may be reused, capped. `no-store`/`no-cache` mean not at all. */
export function freshness(cacheControl: string | undefined): number {
  if (cacheControl === undefined) return DEFAULT_TTL_MS;
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(cacheControl)) return 0;
  const maxAge = /(^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  if (!maxAge?.[2]) return DEFAULT_TTL_MS;
  return Math.min(Number(maxAge[2]) * 1000, MAX_TTL_MS);
}

/** Why a metadata document client cannot be used; the message is fit for the error page. */
export class ClientMetadataUnavailable extends Error {}

/**
 * OAuth Client ID Metadata Documents: a client whose id is an https URL is described by the JSON
 * document at that URL, fetched on demand (https only, never from a private address outside
 * development, at most 5 KB within 5 s), cached by its HTTP cache headers, and kept as an app row
 * so installations, codes and tokens refer to it like any other app.
 */
export function clientMetadataService(
  { config, repos, clock }: ServiceContext,
  fetcher: DocumentFetcher = documentFetcher({ allowPrivate: config.clientMetadataAllowPrivate, ...METADATA_LIMITS }),
) {
  const cache = new Map<string, { app: App; freshUntil: number }>();

  function remember(app: App, ttl: number) {
    cache.delete(app.id);
    if (ttl <= 0) return;
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(app.id, { app, freshUntil: clock.now() + ttl });
  }

  async function fetchApp(url: string): Promise<{ app: App; ttl: number }> {
    let fetched: Awaited<ReturnType<DocumentFetcher>>;
    try {
      fetched = await fetcher(url);
    } catch (error) {
      if (error instanceof DocumentFetchError) throw new ClientMetadataUnavailable(error.message);
      throw error;
    }
    if (fetched.status !== 200) throw new ClientMetadataUnavailable(`The document answered HTTP ${fetched.status}.`);
    let document: unknown;
    try {
      document = JSON.parse(fetched.body);
    } catch {
      throw new ClientMetadataUnavailable('The document is not JSON.');
    }
    try {
      // The draft's §4.1: the document's client_id must be exactly its own URL.
      if ((document as { client_id?: unknown })?.client_id !== url) {
        throw new InvalidClientMetadataError('The document’s client_id is not the URL it was fetched from.');
      }
      const metadata = readAgentMetadata(document);
      const now = clock.now();
      const existing = await repos.apps.findById(url);
      const app: App = {
        id: url,
        name: metadata.name,
        teamId: null,
        createdBy: null,
        isPublic: true,
        secretSealed: null,
        previousSecret: null,
        redirectUris: metadata.redirectUris,
        sdkRedirectUri: null,
        sdkUri: null,
        scopes: metadata.scopes,
        expiring: true,
        identity: NO_IDENTITY,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        registration: 'metadata_document',
        registrationExpiresAt: null,
      };
      if (existing) {
        await repos.apps.update(url, {
          name: app.name,
          redirectUris: app.redirectUris,
          scopes: app.scopes,
          updatedAt: now,
        });
      } else {
        await repos.apps.createOrKeep(app);
      }
      return { app, ttl: freshness(fetched.cacheControl) };
    } catch (error) {
      if (error instanceof InvalidClientMetadataError) throw new ClientMetadataUnavailable(error.message);
      throw error;
    }
  }

  return {
    /** The app a metadata document URL describes, from the cache while fresh, else fetched anew. */
    async resolve(url: string): Promise<App> {
      const cached = cache.get(url);
      if (cached && cached.freshUntil > clock.now()) return cached.app;
      const { app, ttl } = await fetchApp(url);
      remember(app, ttl);
      return app;
    },
  };
}

export type ClientMetadataService = ReturnType<typeof clientMetadataService>;
