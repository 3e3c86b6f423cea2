import { isNumericId, numericId } from '../lib/ids.js';
import { deriveKey, open, seal } from '../lib/sealed-box.js';
import { mintWebhookSecret } from '../lib/standard-webhooks.js';
import type { AdministeredOrganization } from '../storage/repositories/organizations.js';
import type { ClaimedDelivery, DeliveryLogEntry } from '../storage/repositories/webhooks.js';
import { ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import type { ServiceContext } from './service-context.js';
import { webhookUrlProblem } from './webhook-url.js';

/** An endpoint as the console shows it: never its secret. */
export interface EndpointView {
  id: string;
  url: string;
  createdAt: number;
}

/** What one attempt got: a status code, or an error before any answer. */
export interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const MAX_ENDPOINTS = 10;
/** The longest wait between two attempts. */
const RETRY_CAP_MS = 6 * 3600 * 1000;
/** Delivered and failed events are kept this long, for the delivery log. */
const RETENTION_MS = 30 * 24 * 3600 * 1000;

/**
 * The wait before attempt `attempt + 1`: exponential backoff from `baseMs`, capped, with "equal
 * jitter" (half fixed, half random) so that many failed deliveries do not come back in step.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Webhook endpoints of organizations, and their deliveries (ARCHITECTURE.md decision 21). */
export function webhookService({ config, repos, clock }: ServiceContext) {
  const secretKey = deriveKey(config.secretKey, 'webhook secret');
  const readKeys = [config.secretKey, ...config.previousSecretKeys].map((key) => deriveKey(key, 'webhook secret'));

  async function administered(organizationId: string, userId: string): Promise<AdministeredOrganization> {
    const org = isNumericId(organizationId)
      ? await repos.organizations.administered(organizationId, userId)
      : undefined;
    if (!org) throw new ForbiddenError('Only admins of a team of the organization can manage its webhooks.');
    return org;
  }

  /** The operator (admin API, null) may manage any organization that exists; a person only one they administer. */
  async function allowed(organizationId: string, userId: string | null): Promise<void> {
    if (userId !== null) {
      await administered(organizationId, userId);
      return;
    }
    if (!isNumericId(organizationId) || !(await repos.teams.findOrganization(organizationId)))
      throw new NotFoundError(`There is no organization with id ${organizationId}.`);
  }

  return {
    /** The organization, if the user is one of its admins (an admin of any of its teams). */
    async organization(organizationId: string, userId: string): Promise<AdministeredOrganization | undefined> {
      return isNumericId(organizationId) ? repos.organizations.administered(organizationId, userId) : undefined;
    },

    /** The organization's endpoints, for one of its admins, or for the operator (`null`, the admin API). */
    async endpoints(organizationId: string, userId: string | null): Promise<EndpointView[]> {
      await allowed(organizationId, userId);
      return (await repos.webhooks.endpoints(organizationId)).map(({ id, url, createdAt }) => ({ id, url, createdAt }));
    },

    /** Adds an endpoint; its signing secret is returned once and kept only sealed. */
    async addEndpoint(
      organizationId: string,
      userId: string,
      rawUrl: string,
    ): Promise<{ endpoint: EndpointView; secret: string }> {
      await administered(organizationId, userId);
      const url = rawUrl.trim();
      const problem = webhookUrlProblem(url, config.production);
      if (problem) throw new ValidationError(`The endpoint URL ${problem}.`, 'url');
      if ((await repos.webhooks.endpoints(organizationId)).length >= MAX_ENDPOINTS) {
        throw new ValidationError(`An organization has at most ${MAX_ENDPOINTS} webhook endpoints.`, 'url');
      }
      const id = numericId();
      const secret = mintWebhookSecret();
      const createdAt = clock.now();
      await repos.webhooks.createEndpoint({
        id,
        organizationId,
        url,
        secretSealed: seal(secretKey, secret, id),
        createdBy: userId,
        createdAt,
      });
      return { endpoint: { id, url, createdAt }, secret };
    },

    /** Removes an endpoint, as one of the organization's admins or as the operator (`null`). */
    async removeEndpoint(organizationId: string, userId: string | null, endpointId: string): Promise<void> {
      await allowed(organizationId, userId);
      if (!(await repos.webhooks.removeEndpoint(organizationId, endpointId))) {
        throw new NotFoundError('There is no such webhook endpoint in this organization.');
      }
    },

    /** The organization's latest delivery attempts, newest first. */
    async log(organizationId: string, userId: string, limit: number): Promise<DeliveryLogEntry[]> {
      await administered(organizationId, userId);
      return repos.webhooks.log(organizationId, limit);
    },

    /** Leases due deliveries to the worker `owner`, for as long as `leaseMs`. */
    claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
      return repos.webhooks.claim(owner, clock.now(), leaseMs, limit);
    },

    /** The endpoint's signing secret, to sign a delivery with; undefined when no key opens it. */
    signingSecret(delivery: ClaimedDelivery): string | undefined {
      for (const key of readKeys) {
        const secret = open(key, delivery.secretSealed, delivery.endpointId);
        if (secret !== undefined) return secret;
      }
      return undefined;
    },

    /**
     * Records an attempt: a 2xx answer delivers; anything else retries with backoff until
     * `WEBHOOK_MAX_ATTEMPTS`, then the delivery has failed. Returns what became of it, or undefined
     * when the lease was lost meanwhile.
     */
    async finish(
      delivery: ClaimedDelivery,
      owner: string,
      result: AttemptResult,
    ): Promise<'delivered' | 'pending' | 'failed' | undefined> {
      const now = clock.now();
      const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
      const status = ok ? 'delivered' : delivery.attempt >= config.webhookMaxAttempts ? 'failed' : 'pending';
      const nextAttemptAt =
        status === 'pending' ? now + retryDelayMs(delivery.attempt, config.webhookRetryBaseSeconds * 1000) : now;
      const written = await repos.webhooks.finish(delivery.id, owner, delivery.attempt, {
        status,
        nextAttemptAt,
        at: now,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: result.durationMs,
      });
      return written ? status : undefined;
    },

    /** Deletes settled events past their retention. */
    sweep(): Promise<number> {
      return repos.webhooks.sweep(clock.now() - RETENTION_MS);
    },
  };
}

export type WebhookService = ReturnType<typeof webhookService>;
