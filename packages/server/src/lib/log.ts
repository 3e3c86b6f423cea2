import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, LoggerOptions } from 'pino';

/** Query and form parameters whose values are secrets, tokens or codes. */
const SECRET_PARAMS = new Set([
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'client_secret',
  'token',
  'password',
  'state',
  'csrf',
  'assertion',
]);

/**
 * The URL with the values of secret parameters replaced, fit for a log line. A parameter that holds
 * a URL of its own (the sign-in page's `return_to` carries the whole authorization request) is
 * redacted the same way, a few levels deep.
 */
export function redactUrl(url: string, depth = 3): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const params = new URLSearchParams(url.slice(mark + 1));
  for (const name of new Set(params.keys())) {
    if (SECRET_PARAMS.has(name.toLowerCase())) params.set(name, '[redacted]');
    else if (depth > 0 && params.getAll(name).some((value) => value.includes('?'))) {
      const values = params.getAll(name).map((value) => redactUrl(value, depth - 1));
      params.delete(name);
      for (const value of values) params.append(name, value);
    }
  }
  return `${url.slice(0, mark)}?${params.toString().replaceAll('%5Bredacted%5D', '[redacted]')}`;
}

/**
 * pino options: request URLs lose secret parameter values, and credential headers never reach the
 * log (tokens, codes, secrets and passwords are redacted; RFC 9700 §4.10.2 treats tokens as secrets).
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.client_secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: FastifyRequest) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
      },
    },
  };
}

/** Fastify's logger is pino, which also answers `isLevelEnabled`. */
type Logger = FastifyBaseLogger & { isLevelEnabled(level: string): boolean };
type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
const LEVELS: readonly LevelName[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * Fastify's per-request child logger, made only when the request logs something at an enabled
 * level: building a pino child (its bindings serialized at once) on every request cost more on
 * the token-check path than anything it logged there (docs/performance.md).
 */
class LazyChildLogger {
  #child: Logger | undefined;
  constructor(
    readonly parent: Logger,
    readonly bindings: Bindings,
    readonly options: ChildLoggerOptions,
  ) {
    for (const level of LEVELS) {
      this[level] = ((...args: Parameters<Logger['info']>) => {
        if (this.parent.isLevelEnabled(level)) this.real()[level](...args);
      }) as Logger['info'];
    }
  }
  fatal!: Logger['fatal'];
  error!: Logger['error'];
  warn!: Logger['warn'];
  info!: Logger['info'];
  debug!: Logger['debug'];
  trace!: Logger['trace'];
  silent: Logger['silent'] = () => {};
  get level(): Logger['level'] {
    return this.parent.level;
  }
  set level(level: Logger['level']) {
    this.real().level = level;
  }
  isLevelEnabled(level: string): boolean {
    return this.#child ? this.#child.isLevelEnabled(level) : this.parent.isLevelEnabled(level);
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }
  private real(): Logger {
    this.#child ??= this.parent.child(this.bindings, this.options) as Logger;
    return this.#child;
  }
}

/** `childLoggerFactory` for Fastify: see LazyChildLogger. */
export function lazyChildLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(parent as Logger, bindings, options) as unknown as FastifyBaseLogger;
}
