import { randomBytes } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { TokenResponse } from '@grantboard/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { secretsEqual } from '../lib/compare.js';
import { deriveKey, open, seal } from '../lib/sealed-box.js';
import { digest, mintToken } from '../lib/tokens.js';
import type { UserRow } from '../storage/repositories/users.js';

export interface SignedIn {
  user: UserRow;
  csrf: string;
  sessionDigest: string;
  /** Seals the session's flash; derived from the cookie value, which only the browser holds. */
  flashKey: Buffer;
}

/** What the page after a POST shows once (post/redirect/get). */
export interface Flash {
  notice?: string;
  error?: string;
  /** Show this app's client secret on its page. */
  revealSecret?: string;
  /** A token from "Install app and get OAuth token", shown once. */
  token?: { appId: string; response: TokenResponse };
}

/** Cookie names; `__Host-` pins a cookie to this origin and path `/` when served over https. */
export function cookieNames(publicUrl: string) {
  const secure = publicUrl.startsWith('https:');
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}gb_session`, csrf: `${prefix}gb_csrf`, sdkReturn: `${prefix}gb_sdk_return`, secure };
}

function cookieOptions(secure: boolean, maxAge?: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, ...(maxAge ? { maxAge } : {}) };
}

/** Sessions live in the database, so they survive restarts and work across server processes. */
export function sessions({ config, repos, clock }: AppContext) {
  const names = cookieNames(config.publicUrl);

  return {
    async current(request: FastifyRequest): Promise<SignedIn | undefined> {
      const value = request.cookies[names.session];
      if (!value) return undefined;
      const sessionDigest = digest(value);
      const session = await repos.sessions.find(sessionDigest, clock.now());
      if (!session) return undefined;
      const user = await repos.users.findById(session.user_id);
      if (!user) return undefined;
      return { user, csrf: session.csrf_token, sessionDigest, flashKey: deriveKey(value, 'session flash') };
    },

    /** Stores a flash for the session's next page; it is sealed, since it may hold a token. */
    async setFlash(signedIn: SignedIn, flash: Flash): Promise<void> {
      await repos.sessions.setFlash(
        signedIn.sessionDigest,
        seal(signedIn.flashKey, JSON.stringify(flash), signedIn.sessionDigest),
      );
    },

    /** The flash, once: reading it clears it. */
    async takeFlash(signedIn: SignedIn): Promise<Flash | undefined> {
      const sealed = await repos.sessions.takeFlash(signedIn.sessionDigest);
      const plain = sealed === undefined ? undefined : open(signedIn.flashKey, sealed, signedIn.sessionDigest);
      return plain === undefined ? undefined : (JSON.parse(plain) as Flash);
    },

    /** A new session id on every sign-in, so a planted cookie can never be signed in (session fixation). */
    async start(reply: FastifyReply, userId: string, previous: SignedIn | undefined): Promise<void> {
      if (previous) await repos.sessions.remove(previous.sessionDigest);
      const value = mintToken('session');
      const now = clock.now();
      await repos.sessions.create({
        digest: digest(value),
        user_id: userId,
        csrf_token: randomBytes(24).toString('base64url'),
        created_at: now,
        expires_at: now + config.sessionTtlSeconds * 1000,
      });
      reply.setCookie(names.session, value, cookieOptions(names.secure, config.sessionTtlSeconds));
    },

    async end(reply: FastifyReply, current: SignedIn | undefined): Promise<void> {
      if (current) await repos.sessions.remove(current.sessionDigest);
      reply.clearCookie(names.session, cookieOptions(names.secure));
    },

    /** The pre-sign-in CSRF token (double-submit cookie), created on first use. */
    anonymousCsrf(request: FastifyRequest, reply: FastifyReply): string {
      const existing = request.cookies[names.csrf];
      if (existing && /^[A-Za-z0-9_-]{32}$/.test(existing)) return existing;
      const token = randomBytes(24).toString('base64url');
      reply.setCookie(names.csrf, token, cookieOptions(names.secure));
      return token;
    },

    anonymousCsrfMatches(request: FastifyRequest, presented: string | null): boolean {
      return secretsEqual(request.cookies[names.csrf], presented);
    },
  };
}

export type Sessions = ReturnType<typeof sessions>;
