/** Defaults for every setting; each can be overridden by environment variable or config file. */
export const DEFAULTS = {
  /** `PORT`: the port to listen on. */
  port: 3000,
  /** `HOST`: the interface to listen on (`localhost` listens on both 127.0.0.1 and ::1). */
  host: 'localhost',
  /** `DATABASE_URL`: `sqlite:<path>` (embedded, the default) or `postgres://…`. */
  databaseUrl: 'sqlite:./data/grantboard.db',
  /** `ACCESS_TOKEN_TTL_SECONDS`: access token lifetime for apps with expiring tokens (Miro: 1 hour). */
  accessTokenTtlSeconds: 3600,
  /** `REFRESH_TOKEN_TTL_SECONDS`: refresh token lifetime, restarted by every rotation (Miro: 60 days). */
  refreshTokenTtlSeconds: 60 * 24 * 3600,
  /**
   * `REFRESH_REUSE_GRACE_SECONDS`: how long a just-rotated refresh token, presented again by the same
   * client, gets the identical response instead of revoking the family (ARCHITECTURE.md decision 9).
   */
  refreshReuseGraceSeconds: 60,
  /**
   * `CLIENT_SECRET_OVERLAP_SECONDS`: how long the previous client secret keeps working after a rotation
   * (0: it stops at once), so an app's back ends can be redeployed with the new one; a day by default.
   */
  clientSecretOverlapSeconds: 24 * 3600,
  /** `CODE_TTL_SECONDS`: authorization code lifetime (RFC 6749 §4.1.2 recommends at most 10 minutes). */
  codeTtlSeconds: 600,
  /** `SESSION_TTL_SECONDS`: how long a web sign-in lasts. */
  sessionTtlSeconds: 7 * 24 * 3600,
  /** `SIGNIN_MAX_FAILURES_PER_ACCOUNT`: failed sign-ins for one email within the window before it is locked. */
  signInMaxFailuresPerAccount: 5,
  /** `SIGNIN_MAX_FAILURES_PER_ADDRESS`: failed sign-ins from one client address within the window before it is refused. */
  signInMaxFailuresPerAddress: 30,
  /** `SIGNIN_THROTTLE_WINDOW_SECONDS`: how far back failed sign-ins count, and so how long a lock lasts at most. */
  signInThrottleWindowSeconds: 15 * 60,
  /**
   * `SIGNIN_CONCURRENT_PASSWORD_CHECKS`: password checks (scrypt, ~32 MiB and tens of milliseconds
   * each) one process runs at once; libuv's thread pool has 4 threads, shared with file and DNS work.
   */
  signInConcurrentPasswordChecks: 2,
  /** `SIGNIN_QUEUED_PASSWORD_CHECKS`: checks that may wait for a slot; past that a sign-in is told to try again. */
  signInQueuedPasswordChecks: 32,
  /**
   * `DEMO_CALLBACK`: `/demo/callback`, the demo apps' redirect URI, is served for the apps registered
   * with it (`auto`: the ones `grantboard demo` creates), for any request (`on`), or never (`off`).
   */
  demoCallback: 'auto' as 'auto' | 'on' | 'off',
  /**
   * `SHUTDOWN_TIMEOUT_SECONDS`: how long SIGTERM/SIGINT waits for requests in flight; past it their
   * connections are closed and the process exits with code 1.
   */
  shutdownTimeoutSeconds: 10,
  /** `ID_TOKEN_ISSUER`: `iss` of Web SDK id tokens; `miro` so existing app back ends verify them unchanged. */
  idTokenIssuer: 'miro',
  /** `LOG_LEVEL`: pino log level. */
  logLevel: 'info',
  /** `JANITOR_INTERVAL_SECONDS`: how often each process deletes expired codes, tokens and sessions (0: never). */
  janitorIntervalSeconds: 300,
  /** `METRICS_TOKEN`: when set, `GET /metrics` wants `Authorization: Bearer <token>`. */
  metricsToken: undefined as string | undefined,
  /** `TOKEN_REQUESTS_PER_MINUTE`: token endpoint budget per client (0: unlimited); shared through Redis. */
  tokenRequestsPerMinute: 30_000,
  /** `DB_POOL_MAX`: PostgreSQL connections per server process. */
  dbPoolMax: 10,
  /** `TOKEN_CACHE_SIZE`: validated access tokens kept per process (storage/token-cache.ts); 0: none. */
  tokenCacheSize: 10_000,
  /**
   * `RATE_LIMIT_CREDITS_PER_MINUTE`: the REST API budget per user per app (ARCHITECTURE.md decision
   * 13, Miro's figure). Each request spends its route's level: 1 → 50, 2 → 100, 3 → 500, 4 → 2000.
   */
  rateLimitCreditsPerMinute: 100_000,
  /** `RATE_LIMIT_WINDOW_SECONDS`: the length of one budget window; a minute, shorter only in tests. */
  rateLimitWindowSeconds: 60,
  /** `RATE_LIMIT_KEY_PREFIX`: prefix of the Redis keys holding the counters (when `REDIS_URL` is set). */
  rateLimitKeyPrefix: 'grantboard:ratelimit:',
  /** `WEBHOOK_POLL_INTERVAL_MS`: how often each process's webhook worker looks for due deliveries (0: no worker). */
  webhookPollIntervalMs: 1000,
  /**
   * `RESOURCE_SERVER_SIGNING_KEY_ROTATION_SECONDS`: how long one key signs RFC 9068 JWT access tokens
   * before a new one takes over (30 days). A retired key stays at `jwks_uri` until the last token it
   * signed has expired (docs/platform.md).
   */
  resourceServerSigningKeyRotationSeconds: 30 * 24 * 3600,
  /** `WEBHOOK_MAX_ATTEMPTS`: attempts per delivery before it is marked failed. */
  webhookMaxAttempts: 10,
  /** `WEBHOOK_RETRY_BASE_SECONDS`: the first retry's wait; each next one doubles (with jitter, at most 6 h). */
  webhookRetryBaseSeconds: 10,
  /**
   * `WEBHOOK_TIMEOUT_SECONDS`: how long an endpoint has to answer. A worker leases a delivery for four
   * times as long, so a process that died mid-delivery has its deliveries taken up after that.
   */
  webhookTimeoutSeconds: 15,
  /** `REGISTRATION_TTL_SECONDS`: an agent's RFC 7591 registration no user has authorized is deleted after this. */
  registrationTtlSeconds: 24 * 3600,
  /** `REGISTRATIONS_PER_HOUR`: dynamic client registrations per client address per hour (0: unlimited). */
  registrationsPerHour: 20,
  /**
   * `CLIENT_METADATA_ALLOW_PRIVATE`: `on` lets client metadata documents be fetched from loopback and
   * private addresses (local development and tests); refused when `NODE_ENV=production`.
   */
  clientMetadataAllowPrivate: false,
  /**
   * `GRANTBOARD_TEST_CONTROLS`: `on` enables the test controls (expire a token now, fail the next
   * token requests, force 429s, move an app's clock; ARCHITECTURE.md decision 18); `force` also
   * with `NODE_ENV=production`, with a warning at start.
   */
  testControls: 'off' as 'off' | 'on' | 'force',
  /** `GRANTBOARD_ADMIN_TOKENS`: comma-separated bearer tokens for `/admin/v1` (none: the admin API is closed). */
  adminTokens: '',
  /** `GRANTBOARD_FIXTURES`: a fixtures file (JSON, or YAML named `.yaml`/`.yml`) loaded at start, as `grantboard serve --fixtures FILE`. */
  fixtures: undefined as string | undefined,
  /**
   * `GRANTBOARD_OIDC_PROVIDERS`: a JSON array of upstream OpenID Connect providers (docs/federation.md);
   * none by default, so the sign-in page asks for an email and password only.
   */
  oidcProviders: '[]',
  /**
   * `GRANTBOARD_LOCAL_PASSWORDS`: `off` refuses email-and-password sign-in, so users sign in through
   * the upstream providers only (which must then be configured).
   */
  localPasswords: 'on' as 'on' | 'off',
} as const;
