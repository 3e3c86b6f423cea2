import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config/config.js';
import type { Services } from '../domain/services.js';
import type { Clock } from '../lib/clock.js';
import { webhookHeaders } from '../lib/standard-webhooks.js';
import type { ClaimedDelivery } from '../storage/repositories/webhooks.js';
import { postWebhook } from './send.js';

/** Deliveries one worker takes at a time. */
const BATCH = 20;
const SWEEP_EVERY_MS = 10 * 60 * 1000;

interface Log {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface WebhookWorker {
  /** Claims and sends what is due now; resolves with how many attempts it made. */
  runOnce(): Promise<number>;
  /** Polls every `WEBHOOK_POLL_INTERVAL_MS` until stopped. */
  start(): void;
  /** Stops polling and waits for the batch in flight. */
  stop(): Promise<void>;
}

/**
 * Delivers the outbox (docs/webhooks.md): each server process runs one worker; workers lease
 * deliveries from the database, so several processes never send the same delivery at once, and a
 * process killed mid-batch leaves leases that run out and are taken up again (at least once).
 */
export function webhookWorker(options: { services: Services; config: Config; clock: Clock; log: Log }): WebhookWorker {
  const { services, config, clock, log } = options;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  let lastSweep = 0;
  const timeoutMs = config.webhookTimeoutSeconds * 1000;
  // Longer than a batch can take (its sends run in parallel), so a live worker keeps its lease; a
  // dead one's runs out.
  const leaseMs = 4 * timeoutMs;

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    const secret = services.webhooks.signingSecret(delivery);
    const result = secret
      ? await postWebhook(
          delivery.url,
          webhookHeaders(secret, delivery.eventId, Math.floor(clock.now() / 1000), delivery.payload),
          delivery.payload,
          { production: config.production, timeoutMs },
        )
      : { statusCode: null, error: 'the signing secret cannot be decrypted with the server keys', durationMs: 0 };
    const outcome = await services.webhooks.finish(delivery, owner, result);
    const fields = {
      webhookId: delivery.eventId,
      type: delivery.eventType,
      endpointId: delivery.endpointId,
      attempt: delivery.attempt,
      statusCode: result.statusCode,
    };
    if (outcome === 'delivered') log.info(fields, 'webhook delivered');
    else log.warn({ ...fields, error: result.error, outcome: outcome ?? 'lease lost' }, 'webhook delivery failed');
  }

  async function runOnce(): Promise<number> {
    const due = await services.webhooks.claim(owner, BATCH, leaseMs);
    await Promise.all(due.map(deliver));
    if (clock.now() - lastSweep > SWEEP_EVERY_MS) {
      lastSweep = clock.now();
      await services.webhooks.sweep();
    }
    return due.length;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().then(
        (count) => schedule(count === BATCH ? 0 : config.webhookPollIntervalMs),
        (error: unknown) => {
          log.warn({ err: error }, 'webhook worker: claiming deliveries failed');
          schedule(config.webhookPollIntervalMs);
        },
      );
    }, delay);
    timer.unref();
  }

  return {
    runOnce,
    start() {
      if (config.webhookPollIntervalMs > 0) schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
