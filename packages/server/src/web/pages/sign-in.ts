import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { BusyError } from '../../domain/errors.js';
import { html } from '../../http/html.js';
import { retryAfter } from '../../http/responses.js';
import { secretsEqual } from '../../lib/compare.js';
import { formFields, safeReturnPath } from '../forms.js';
import { sendPage } from '../layout.js';
import { link, ROUTES } from '../routes.js';
import type { Sessions } from '../session.js';

/** How long a sign-in refused for a full password-check queue waits before trying again. */
const BUSY_RETRY_SECONDS = 2;

/** What the sign-in page shows: the password form (unless switched off) and a button per provider. */
export interface SignInView {
  csrf: string;
  returnTo: string;
  providers: { id: string; name: string }[];
  localPasswords: boolean;
  email?: string;
  error?: string | undefined;
}

function upstreamButtons(view: SignInView) {
  if (view.providers.length === 0) return '';
  const query = view.returnTo === '/' ? '' : `?return_to=${encodeURIComponent(view.returnTo)}`;
  return html`<ul class="upstream-providers">${view.providers.map(
    (provider) =>
      html`<li><a class="button${view.localPasswords ? ' secondary' : ''}" href="${link(ROUTES.upstreamSignIn, { providerId: provider.id })}${query}">Continue with ${provider.name}</a></li>`,
  )}</ul>`;
}

export function signInForm(view: SignInView) {
  const { csrf, returnTo, email = '', error } = view;
  return html`<div class="card">
  <h1>Sign in</h1>
  <p class="muted">Sign in to Grantboard to continue.</p>
  ${error ? html`<p class="error" role="alert" id="signin-error">${error}</p>` : ''}
  ${upstreamButtons(view)}
  ${view.localPasswords && view.providers.length > 0 ? html`<p class="or">or sign in with your email</p>` : ''}
  ${
    view.localPasswords
      ? html`<form method="post" action="${ROUTES.signIn}">
    <input type="hidden" name="csrf" value="${csrf}">
    <input type="hidden" name="return_to" value="${returnTo}">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" required value="${email}"${email ? '' : html` autofocus`}${error ? html` aria-describedby="signin-error"` : ''}>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required${email ? html` autofocus` : ''}>
    <div class="actions"><button type="submit">Sign in</button></div>
  </form>`
      : ''
  }
</div>`;
}

export function signInPages(app: FastifyInstance, { services }: AppContext, sessions: Sessions): void {
  const options = { providers: services.upstream.providers(), localPasswords: services.upstream.localPasswords };
  app.get(ROUTES.signIn, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const returnTo = safeReturnPath(typeof query.return_to === 'string' ? query.return_to : undefined);
    const csrf = sessions.anonymousCsrf(request, reply);
    return sendPage(reply, { title: 'Sign in', body: signInForm({ ...options, csrf, returnTo }) });
  });

  app.post(ROUTES.signIn, async (request, reply) => {
    const form = formFields(request);
    const returnTo = safeReturnPath(form.get('return_to'));
    const email = (form.get('email') ?? '').trim().slice(0, 320);
    const csrf = sessions.anonymousCsrf(request, reply);
    const refuse = (status: number, message: string) =>
      sendPage(
        reply,
        { title: 'Sign in', body: signInForm({ ...options, csrf, returnTo, email, error: message }) },
        status,
      );
    // GRANTBOARD_LOCAL_PASSWORDS=off: no password is checked, whatever the form holds.
    if (!options.localPasswords) {
      return refuse(403, 'Signing in with a password is switched off here. Continue with your organization’s sign-in.');
    }
    if (!sessions.anonymousCsrfMatches(request, form.get('csrf'))) {
      return refuse(403, 'Your sign-in form expired. Please try again.');
    }
    // Reserved before the password is checked, so a locked account cannot be probed and a burst
    // of parallel guesses cannot pass the limit (RFC 6819 §5.1.4.2.3, docs/security.md).
    const verdict = await services.signInThrottle.begin(email, request.ip);
    if (verdict.blocked) {
      retryAfter(reply, verdict.retryAfterSeconds);
      return refuse(429, verdict.message);
    }
    let user: Awaited<ReturnType<typeof services.accounts.authenticate>>;
    try {
      user = await services.accounts.authenticate(email, (form.get('password') ?? '').slice(0, 1024));
    } catch (error) {
      // The password was not checked: the attempt does not count against the account.
      await verdict.attempt.abandoned();
      if (!(error instanceof BusyError)) throw error;
      retryAfter(reply, BUSY_RETRY_SECONDS);
      return refuse(503, 'Grantboard is busy checking other sign-ins. Please try again in a moment.');
    }
    // A wrong password keeps the failure the attempt reserved.
    if (!user) return refuse(401, 'Wrong email or password.');
    await verdict.attempt.succeeded();
    await sessions.start(reply, user.id, await sessions.current(request));
    // Housekeeping on the way (expired sessions are the janitor's).
    await services.signInThrottle.forgetExpired();
    // RFC 9700 §4.12: 303 after a POST that carried credentials.
    return reply.code(303).header('location', returnTo).send();
  });

  app.post(ROUTES.signOut, async (request, reply) => {
    const form = formFields(request);
    const current = await sessions.current(request);
    if (current && secretsEqual(current.csrf, form.get('csrf'))) await sessions.end(reply, current);
    // "Switch account" on the consent page comes back to the same request after the next sign-in.
    const returnTo = safeReturnPath(form.get('return_to'));
    const location = returnTo === '/' ? ROUTES.signIn : `${ROUTES.signIn}?return_to=${encodeURIComponent(returnTo)}`;
    return reply.code(303).header('location', location).send();
  });
}
