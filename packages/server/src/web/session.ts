import { randomBytes } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { TokenResponse } from '@grantboard/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import type { Session } from '../domain/session-service.js';
import { secretsEqual } from '../lib/compare.js';

/** The signed-in user of a page, with the session's CSRF token. */
export type SignedIn = Session;

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
  return {
    session: `${prefix}gb_session`,
    csrf: `${prefix}gb_csrf`,
    sdkReturn: `${prefix}gb_sdk_return`,
    upstreamFlow: `${prefix}gb_upstream_flow`,
    secure,
  };
}

function cookieOptions(secure: boolean, maxAge?: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, ...(maxAge ? { maxAge } : {}) };
}

/** The session cookie and the pre-sign-in CSRF cookie; the sessions themselves are the domain's. */
export function sessions({ config, services }: AppContext) {
  const names = cookieNames(config.publicUrl);

  return {
    async current(request: FastifyRequest): Promise<SignedIn | undefined> {
      const value = request.cookies[names.session];
      return value ? services.sessions.resolve(value) : undefined;
    },

    /** Stores a flash for the session's next page; it is sealed, since it may hold a token. */
    async setFlash(signedIn: SignedIn, flash: Flash): Promise<void> {
      await services.sessions.setFlash(signedIn, JSON.stringify(flash));
    },

    /** The flash, once: reading it clears it. */
    async takeFlash(signedIn: SignedIn): Promise<Flash | undefined> {
      const plain = await services.sessions.takeFlash(signedIn);
      return plain === undefined ? undefined : (JSON.parse(plain) as Flash);
    },

    /** A new session id on every sign-in, so a planted cookie can never be signed in (session fixation). */
    async start(reply: FastifyReply, userId: string, previous: SignedIn | undefined): Promise<void> {
      const value = await services.sessions.start(userId, previous);
      reply.setCookie(names.session, value, cookieOptions(names.secure, services.sessions.ttlSeconds));
    },

    async end(reply: FastifyReply, current: SignedIn | undefined): Promise<void> {
      if (current) await services.sessions.end(current);
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

    /**
     * The sealed flow of a sign-in at an upstream provider, kept by the browser that started it
     * until the provider sends it back. `SameSite=Lax` still sends it on that top-level redirect.
     */
    setUpstreamFlow(reply: FastifyReply, sealed: string, maxAge: number): void {
      reply.setCookie(names.upstreamFlow, sealed, cookieOptions(names.secure, maxAge));
    },

    /** The flow cookie, once: it is cleared whatever the callback's outcome. */
    takeUpstreamFlow(request: FastifyRequest, reply: FastifyReply): string | undefined {
      const value = request.cookies[names.upstreamFlow];
      if (value !== undefined) reply.clearCookie(names.upstreamFlow, cookieOptions(names.secure));
      return value;
    },

    anonymousCsrfMatches(request: FastifyRequest, presented: string | null): boolean {
      return secretsEqual(request.cookies[names.csrf], presented);
    },
  };
}

export type Sessions = ReturnType<typeof sessions>;
