import type { Config } from '../config/config.js';
import type { Clock } from '../lib/clock.js';
import type { DocumentFetcher } from '../lib/document-fetch.js';
import type { Repositories } from '../storage/repositories/index.js';

/** What every domain service is built from. */
export interface ServiceContext {
  config: Config;
  repos: Repositories;
  clock: Clock;
  /** How client metadata documents are fetched; by default over https with the configured SSRF limits. */
  fetchDocument?: DocumentFetcher | undefined;
}
