import { randomBytes } from 'node:crypto';
import { deriveKey, open, seal } from '../lib/sealed-box.js';
import { digest, mintToken } from '../lib/tokens.js';
import type { UserRow } from '../storage/repositories/users.js';
import type { ServiceContext } from './service-context.js';

/** A signed-in browser: its user, the CSRF token of its forms, and the key its flash is sealed with. */
export interface Session {
  user: UserRow;
  csrf: string;
  /** The SHA-256 digest of the cookie value: all the database knows of it. */
  digest: string;
  /** Seals the session's flash; derived from the cookie value, which only the browser holds. */
  flashKey: Buffer;
}

/**
 * Web sessions live in the database, so they survive restarts and work across server processes.
 * Expired ones are deleted by the janitor (`storage/repositories/janitor.ts`), in batches.
 */
export function sessionService({ config, repos, clock }: ServiceContext) {
  return {
    /** How long a session lasts, for the cookie's Max-Age. */
    ttlSeconds: config.sessionTtlSeconds,

    /** The live session a cookie value names, with its user; one query. */
    async resolve(cookieValue: string): Promise<Session | undefined> {
      const sessionDigest = digest(cookieValue);
      const found = await repos.sessions.findWithUser(sessionDigest, clock.now());
      if (!found) return undefined;
      return { ...found, digest: sessionDigest, flashKey: deriveKey(cookieValue, 'session flash') };
    },

    /**
     * Starts a session for the user and returns the cookie value. A new id on every sign-in, and the
     * previous session ends, so a planted cookie can never be signed in (session fixation).
     */
    async start(userId: string, previous: Session | undefined): Promise<string> {
      if (previous) await repos.sessions.remove(previous.digest);
      const value = mintToken('session');
      const now = clock.now();
      await repos.sessions.create({
        digest: digest(value),
        user_id: userId,
        csrf_token: randomBytes(24).toString('base64url'),
        created_at: now,
        expires_at: now + config.sessionTtlSeconds * 1000,
      });
      return value;
    },

    async end(session: Session): Promise<void> {
      await repos.sessions.remove(session.digest);
    },

    /** Stores what the session's next page shows once; sealed, since it may hold a token or a secret. */
    async setFlash(session: Session, plain: string): Promise<void> {
      await repos.sessions.setFlash(session.digest, seal(session.flashKey, plain, session.digest));
    },

    /** The flash, once: reading it clears it. */
    async takeFlash(session: Session): Promise<string | undefined> {
      const sealed = await repos.sessions.takeFlash(session.digest);
      return sealed === undefined ? undefined : open(session.flashKey, sealed, session.digest);
    },
  };
}

export type SessionService = ReturnType<typeof sessionService>;
