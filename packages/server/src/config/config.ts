import { hash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULTS } from './defaults.js';
import { parseUpstreamProviders, UpstreamConfigError, type UpstreamProvider } from './upstream-providers.js';

/** Grantboard's configuration, validated once at start and passed in; nothing reads the environment later. */
export interface Config {
  port: number;
  host: string;
  /** The issuer and the base of every link Grantboard builds. Never derived from request headers. */
  publicUrl: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** 32 bytes: encrypts client secrets and keys every derived secret. */
  secretKey: Buffer;
  /** Keys being rotated out (`GRANTBOARD_PREVIOUS_SECRET_KEYS`, comma-separated): they still decrypt. */
  previousSecretKeys: Buffer[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  clientSecretOverlapSeconds: number;
  codeTtlSeconds: number;
  sessionTtlSeconds: number;
  signInMaxFailuresPerAccount: number;
  signInMaxFailuresPerAddress: number;
  signInThrottleWindowSeconds: number;
  /** Password checks (scrypt) one process runs at once, and how many more may wait their turn. */
  signInConcurrentPasswordChecks: number;
  signInQueuedPasswordChecks: number;
  idTokenIssuer: string;
  logLevel: string;
  dbPoolMax: number;
  tokenCacheSize: number;
  /** REST API credits per user per app per window (Miro: 100,000 a minute). */
  rateLimitCreditsPerMinute: number;
  rateLimitWindowSeconds: number;
  rateLimitKeyPrefix: string;
  janitorIntervalSeconds: number;
  metricsToken: string | undefined;
  tokenRequestsPerMinute: number;
  webhookPollIntervalMs: number;
  webhookMaxAttempts: number;
  /** Resource servers: how long a JWT access token signing key signs before the next one takes over. */
  resourceServerSigningKeyRotationSeconds: number;
  webhookRetryBaseSeconds: number;
  webhookTimeoutSeconds: number;
  registrationTtlSeconds: number;
  registrationsPerHour: number;
  /** Client metadata documents may come from loopback and private addresses (never in production). */
  clientMetadataAllowPrivate: boolean;
  production: boolean;
  /** Whether `/demo/callback` is served: for apps registered with it (`auto`), always, or never. */
  demoCallback: 'auto' | 'on' | 'off';
  /** How long a graceful shutdown waits for requests in flight before it closes their connections. */
  shutdownTimeoutSeconds: number;
  /**
   * Test controls (ARCHITECTURE.md decision 18): `GRANTBOARD_TEST_CONTROLS=on`, refused with
   * `NODE_ENV=production` unless `force`.
   */
  testControls: boolean;
  /** SHA-256 digests (hex) of the admin API's bearer tokens (`GRANTBOARD_ADMIN_TOKENS`, comma-separated). */
  adminTokenDigests: string[];
  /** A fixtures file loaded at start (`GRANTBOARD_FIXTURES`). */
  fixturesPath: string | undefined;
  /** Upstream OpenID Connect providers users may sign in with (`GRANTBOARD_OIDC_PROVIDERS`, docs/federation.md). */
  upstreamProviders: UpstreamProvider[];
  /** Whether users may sign in with an email and password (`GRANTBOARD_LOCAL_PASSWORDS`); off: providers only. */
  localPasswords: boolean;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(`${name} must be a whole number of at least ${min}, not '${raw}'.`);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}, not '${raw}'.`);
  }
  return raw as T;
}

function parseSecretKey(raw: string, name = 'GRANTBOARD_SECRET_KEY'): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64url');
  if (key.length !== 32) {
    throw new ConfigError(`${name} must be 32 bytes, as 64 hex characters or 43 base64url characters.`);
  }
  return key;
}

/** Where the development key lives: next to the SQLite file, or in ./data for PostgreSQL. */
function developmentKeyPath(databaseUrl: string): string {
  const dir = databaseUrl.startsWith('sqlite:') ? dirname(databaseUrl.slice('sqlite:'.length)) : './data';
  return resolve(dir === '' ? '.' : dir, 'secret.key');
}

/** Reads the development key, or creates and saves one on first start. */
function developmentSecretKey(databaseUrl: string, warn: (message: string) => void): Buffer {
  const path = developmentKeyPath(databaseUrl);
  if (existsSync(path)) return parseSecretKey(readFileSync(path, 'utf8').trim());
  const key = randomBytes(32);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600 });
  warn(`GRANTBOARD_SECRET_KEY is not set: generated a development key in ${path}. Set it in production.`);
  return key;
}

/**
 * Builds the configuration from environment variables, over an optional JSON config file named by
 * `GRANTBOARD_CONFIG` (environment variables win). Throws `ConfigError` with a sentence naming the
 * setting on the first invalid value.
 */
export function loadConfig(env: Env = process.env, warn: (message: string) => void = console.warn): Config {
  const merged: Env = { ...readConfigFile(env.GRANTBOARD_CONFIG), ...env };
  const production = merged.NODE_ENV === 'production';
  const port = integer(merged, 'PORT', DEFAULTS.port, 0);
  const publicUrl = (merged.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL, not '${publicUrl}'.`);
  }
  if (parsedUrl.search || parsedUrl.hash || parsedUrl.pathname !== '/') {
    throw new ConfigError('PUBLIC_URL must be an origin (scheme, host and port) without a path, query or fragment.');
  }
  if (production && parsedUrl.protocol !== 'https:') {
    warn('PUBLIC_URL is not https: authorization responses would travel unencrypted (RFC 9700 §2.6).');
  }
  const databaseUrl = merged.DATABASE_URL || DEFAULTS.databaseUrl;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(
      `DATABASE_URL must start with 'sqlite:' or 'postgres://', not '${databaseUrl.split(':')[0]}:'.`,
    );
  }
  let secretKey: Buffer;
  if (merged.GRANTBOARD_SECRET_KEY) secretKey = parseSecretKey(merged.GRANTBOARD_SECRET_KEY);
  // An in-memory database forgets everything it encrypted at exit: a key for this process will do.
  else if (databaseUrl === 'sqlite::memory:' && !production) secretKey = randomBytes(32);
  else if (production) throw new ConfigError('GRANTBOARD_SECRET_KEY is required when NODE_ENV=production.');
  else secretKey = developmentSecretKey(databaseUrl, warn);
  let upstreamProviders: UpstreamProvider[];
  try {
    upstreamProviders = parseUpstreamProviders(merged.GRANTBOARD_OIDC_PROVIDERS, production);
  } catch (error) {
    if (error instanceof UpstreamConfigError) throw new ConfigError(error.message);
    throw error;
  }
  const localPasswords = oneOf(merged, 'GRANTBOARD_LOCAL_PASSWORDS', ['on', 'off'] as const, DEFAULTS.localPasswords);
  if (localPasswords === 'off' && upstreamProviders.length === 0) {
    throw new ConfigError('GRANTBOARD_LOCAL_PASSWORDS=off needs GRANTBOARD_OIDC_PROVIDERS: nobody could sign in.');
  }

  return {
    port,
    host: merged.HOST || DEFAULTS.host,
    publicUrl,
    databaseUrl,
    redisUrl: merged.REDIS_URL || undefined,
    secretKey,
    previousSecretKeys: (merged.GRANTBOARD_PREVIOUS_SECRET_KEYS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean)
      .map((key) => parseSecretKey(key, 'GRANTBOARD_PREVIOUS_SECRET_KEYS')),
    accessTokenTtlSeconds: integer(merged, 'ACCESS_TOKEN_TTL_SECONDS', DEFAULTS.accessTokenTtlSeconds, 1),
    refreshTokenTtlSeconds: integer(merged, 'REFRESH_TOKEN_TTL_SECONDS', DEFAULTS.refreshTokenTtlSeconds, 1),
    refreshReuseGraceSeconds: integer(merged, 'REFRESH_REUSE_GRACE_SECONDS', DEFAULTS.refreshReuseGraceSeconds, 0),
    clientSecretOverlapSeconds: integer(
      merged,
      'CLIENT_SECRET_OVERLAP_SECONDS',
      DEFAULTS.clientSecretOverlapSeconds,
      0,
    ),
    codeTtlSeconds: integer(merged, 'CODE_TTL_SECONDS', DEFAULTS.codeTtlSeconds, 1),
    sessionTtlSeconds: integer(merged, 'SESSION_TTL_SECONDS', DEFAULTS.sessionTtlSeconds, 60),
    signInMaxFailuresPerAccount: integer(
      merged,
      'SIGNIN_MAX_FAILURES_PER_ACCOUNT',
      DEFAULTS.signInMaxFailuresPerAccount,
      1,
    ),
    signInMaxFailuresPerAddress: integer(
      merged,
      'SIGNIN_MAX_FAILURES_PER_ADDRESS',
      DEFAULTS.signInMaxFailuresPerAddress,
      1,
    ),
    signInThrottleWindowSeconds: integer(
      merged,
      'SIGNIN_THROTTLE_WINDOW_SECONDS',
      DEFAULTS.signInThrottleWindowSeconds,
      1,
    ),
    signInConcurrentPasswordChecks: integer(
      merged,
      'SIGNIN_CONCURRENT_PASSWORD_CHECKS',
      DEFAULTS.signInConcurrentPasswordChecks,
      1,
    ),
    signInQueuedPasswordChecks: integer(
      merged,
      'SIGNIN_QUEUED_PASSWORD_CHECKS',
      DEFAULTS.signInQueuedPasswordChecks,
      0,
    ),
    idTokenIssuer: merged.ID_TOKEN_ISSUER || DEFAULTS.idTokenIssuer,
    logLevel: merged.LOG_LEVEL || DEFAULTS.logLevel,
    dbPoolMax: integer(merged, 'DB_POOL_MAX', DEFAULTS.dbPoolMax, 1),
    tokenCacheSize: integer(merged, 'TOKEN_CACHE_SIZE', DEFAULTS.tokenCacheSize, 0),
    rateLimitCreditsPerMinute: integer(merged, 'RATE_LIMIT_CREDITS_PER_MINUTE', DEFAULTS.rateLimitCreditsPerMinute, 1),
    rateLimitWindowSeconds: integer(merged, 'RATE_LIMIT_WINDOW_SECONDS', DEFAULTS.rateLimitWindowSeconds, 1),
    rateLimitKeyPrefix: merged.RATE_LIMIT_KEY_PREFIX || DEFAULTS.rateLimitKeyPrefix,
    metricsToken: merged.METRICS_TOKEN || DEFAULTS.metricsToken,
    tokenRequestsPerMinute: integer(merged, 'TOKEN_REQUESTS_PER_MINUTE', DEFAULTS.tokenRequestsPerMinute, 0),
    janitorIntervalSeconds: integer(merged, 'JANITOR_INTERVAL_SECONDS', DEFAULTS.janitorIntervalSeconds, 0),
    webhookPollIntervalMs: integer(merged, 'WEBHOOK_POLL_INTERVAL_MS', DEFAULTS.webhookPollIntervalMs, 0),
    webhookMaxAttempts: integer(merged, 'WEBHOOK_MAX_ATTEMPTS', DEFAULTS.webhookMaxAttempts, 1),
    resourceServerSigningKeyRotationSeconds: integer(
      merged,
      'RESOURCE_SERVER_SIGNING_KEY_ROTATION_SECONDS',
      DEFAULTS.resourceServerSigningKeyRotationSeconds,
      60,
    ),
    webhookRetryBaseSeconds: integer(merged, 'WEBHOOK_RETRY_BASE_SECONDS', DEFAULTS.webhookRetryBaseSeconds, 1),
    webhookTimeoutSeconds: integer(merged, 'WEBHOOK_TIMEOUT_SECONDS', DEFAULTS.webhookTimeoutSeconds, 1),
    registrationTtlSeconds: integer(merged, 'REGISTRATION_TTL_SECONDS', DEFAULTS.registrationTtlSeconds, 60),
    registrationsPerHour: integer(merged, 'REGISTRATIONS_PER_HOUR', DEFAULTS.registrationsPerHour, 0),
    clientMetadataAllowPrivate: clientMetadataAllowPrivate(merged.CLIENT_METADATA_ALLOW_PRIVATE, production),
    production,
    demoCallback: oneOf(merged, 'DEMO_CALLBACK', ['auto', 'on', 'off'] as const, DEFAULTS.demoCallback),
    shutdownTimeoutSeconds: integer(merged, 'SHUTDOWN_TIMEOUT_SECONDS', DEFAULTS.shutdownTimeoutSeconds, 1),
    testControls: testControlsSetting(merged.GRANTBOARD_TEST_CONTROLS, production, warn),
    adminTokenDigests: (merged.GRANTBOARD_ADMIN_TOKENS ?? '')
      .split(',')
      .map((token) => token.trim())
      .filter(Boolean)
      .map(adminTokenDigest),
    fixturesPath: merged.GRANTBOARD_FIXTURES || undefined,
    upstreamProviders,
    localPasswords: localPasswords === 'on',
  };
}

function clientMetadataAllowPrivate(raw: string | undefined, production: boolean): boolean {
  if (raw === undefined || raw === '' || raw === 'off') return DEFAULTS.clientMetadataAllowPrivate;
  if (raw !== 'on') throw new ConfigError(`CLIENT_METADATA_ALLOW_PRIVATE must be 'on' or 'off', not '${raw}'.`);
  if (production) throw new ConfigError('CLIENT_METADATA_ALLOW_PRIVATE=on is refused when NODE_ENV=production.');
  return true;
}

/** Admin tokens are kept as digests only (docs/security.md); at least 32 characters each. */
function adminTokenDigest(token: string): string {
  if (token.length < 32) throw new ConfigError('GRANTBOARD_ADMIN_TOKENS: each token must be at least 32 characters.');
  return hash('sha256', token, 'hex');
}

/** ARCHITECTURE.md decision 18: off by default, and off in production unless forced. */
function testControlsSetting(raw: string | undefined, production: boolean, warn: (message: string) => void): boolean {
  const value = raw || DEFAULTS.testControls;
  if (value !== 'off' && value !== 'on' && value !== 'force')
    throw new ConfigError(`GRANTBOARD_TEST_CONTROLS must be 'off', 'on' or 'force', not '${value}'.`);
  if (value === 'off') return false;
  if (production && value === 'on') {
    warn('GRANTBOARD_TEST_CONTROLS=on is ignored with NODE_ENV=production: test controls stay off (use force).');
    return false;
  }
  if (production)
    warn(
      'GRANTBOARD_TEST_CONTROLS=force: test controls are on in production; anyone with an admin token can break tokens.',
    );
  return true;
}

function readConfigFile(path: string | undefined): Env {
  if (!path) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`GRANTBOARD_CONFIG: cannot read ${path} as JSON (${(error as Error).message}).`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`GRANTBOARD_CONFIG: ${path} must hold a JSON object of setting names to values.`);
  }
  // Structured settings (GRANTBOARD_OIDC_PROVIDERS) may be written as JSON in the file, not as a string.
  return Object.fromEntries(
    Object.entries(parsed).map(([key, value]) => [
      key,
      typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value),
    ]),
  );
}
