import type { Config } from './config/config.js';
import type { Services } from './domain/services.js';
import type { Clock } from './lib/clock.js';
import type { Metrics } from './lib/metrics.js';
import type { RateLimiter } from './lib/rate-limit/rate-limiter.js';
import type { Database } from './storage/database.js';
import type { Repositories } from './storage/repositories/index.js';

/** Shared infrastructure every surface (oauth, api, web) is built with. */
export interface AppContext {
  config: Config;
  database: Database;
  repos: Repositories;
  services: Services;
  clock: Clock;
  /** Credits per key per window: the REST API's limits, shared by processes when Redis is configured. */
  rateLimiter: RateLimiter;
  metrics: Metrics;
}
