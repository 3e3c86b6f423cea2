import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { formFields, safeReturnPath } from '../forms.js';
import { html } from '../html.js';
import { sendPage } from '../layout.js';
import type { Sessions } from '../session.js';

function signInForm(csrf: string, returnTo: string, email = '', error?: string) {
  return html`<div class="card">
  <h1>Sign in</h1>
  <p class="muted">Sign in to continue to Grantboard.</p>
  ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
  <form method="post" action="/signin">
    <input type="hidden" name="csrf" value="${csrf}">
    <input type="hidden" name="return_to" value="${returnTo}">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" required value="${email}" autofocus>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <div class="actions"><button type="submit">Sign in</button></div>
  </form>
</div>`;
}

export function signInPages(app: FastifyInstance, { services }: AppContext, sessions: Sessions): void {
  app.get('/signin', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const returnTo = safeReturnPath(typeof query.return_to === 'string' ? query.return_to : undefined);
    const csrf = sessions.anonymousCsrf(request, reply);
    return sendPage(reply, { title: 'Sign in', body: signInForm(csrf, returnTo) });
  });

  app.post('/signin', async (request, reply) => {
    const form = formFields(request);
    const returnTo = safeReturnPath(form.get('return_to'));
    const email = (form.get('email') ?? '').slice(0, 320);
    const csrf = sessions.anonymousCsrf(request, reply);
    if (!sessions.anonymousCsrfMatches(request, form.get('csrf'))) {
      const body = signInForm(csrf, returnTo, email, 'Your sign-in form expired. Please try again.');
      return sendPage(reply, { title: 'Sign in', body }, 403);
    }
    const user = await services.accounts.authenticate(email, (form.get('password') ?? '').slice(0, 1024));
    if (!user) {
      return sendPage(
        reply,
        { title: 'Sign in', body: signInForm(csrf, returnTo, email, 'Wrong email or password.') },
        401,
      );
    }
    await sessions.start(reply, user.id, await sessions.current(request));
    // RFC 9700 §4.12: 303 after a POST that carried credentials.
    return reply.code(303).header('location', returnTo).send();
  });

  app.post('/signout', async (request, reply) => {
    const current = await sessions.current(request);
    if (current && formFields(request).get('csrf') === current.csrf) await sessions.end(reply, current);
    return reply.code(303).header('location', '/signin').send();
  });
}
