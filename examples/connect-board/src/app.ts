import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiError,
  AuthorizationDenied,
  type Board,
  type GrantboardClient,
  isGrantboardError,
  ReauthorizationRequired,
} from '@grantboard/client';
import { escapeHtml, page } from './html.js';

/**
 * "Connect your board": the smallest complete app on @grantboard/client. Each browser gets a
 * random session id, used as the client's user key; everything OAuth (state, PKCE, the code
 * exchange, storage, refresh, the retry after 401, revocation) is the SDK's job.
 */

const SESSION_COOKIE = 'connect_board_sid';
const MESSAGES: Record<string, string> = {
  connected: 'Connected. Your board account is linked to this app.',
  denied: 'You declined the authorization. Connect again whenever you like.',
  'note-created': 'Sticky note created.',
  disconnected: 'Disconnected: the app’s access was revoked.',
  reconnect: 'The authorization is no longer valid. Please connect again.',
};

export interface ExampleAppOptions {
  client: GrantboardClient;
  /** Key for the CSRF tokens of the app's forms. */
  csrfKey?: Buffer;
}

function sessionOf(req: IncomingMessage): string | undefined {
  const match = /(?:^|;\s*)connect_board_sid=([A-Za-z0-9_-]{32,})/.exec(req.headers.cookie ?? '');
  return match?.[1];
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location }).end();
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

/** The app's request handler, for `http.createServer`. */
export function createExampleApp({ client, csrfKey = randomBytes(32) }: ExampleAppOptions) {
  const csrfFor = (sid: string) => createHmac('sha256', csrfKey).update(sid).digest('base64url');
  const csrfOk = (sid: string, presented: string | null) => {
    const expected = Buffer.from(csrfFor(sid));
    const given = Buffer.from(presented ?? '');
    return expected.length === given.length && timingSafeEqual(expected, given);
  };

  async function home(res: ServerResponse, sid: string, url: URL): Promise<void> {
    const message = MESSAGES[url.searchParams.get('msg') ?? ''];
    const notice = message ? `<p class="card notice">${escapeHtml(message)}</p>` : '';
    const tokens = await client.getTokenSet(sid).catch((error: unknown) => {
      if (error instanceof ReauthorizationRequired) return undefined;
      throw error;
    });
    if (!tokens) {
      return send(
        res,
        200,
        page(
          'Connect your board',
          `${notice}<p>This app adds sticky notes to your boards. It needs your permission first.</p>
           <p><a class="button" href="/connect">Connect your board</a></p>`,
        ),
      );
    }
    const expires = tokens.expiresAt ? new Date(tokens.expiresAt).toISOString() : 'never (non-expiring token)';
    let boards: Board[] = [];
    let boardsNote = '';
    try {
      boards = (await client.as(sid).listBoards({ limit: 50 })).data;
      if (boards.length === 0) boardsNote = '<p>No boards yet: one named “Notes” is created with your first note.</p>';
    } catch (error) {
      if (error instanceof ReauthorizationRequired) return redirect(res, '/?msg=reconnect');
      if (!(error instanceof ApiError)) throw error;
      boardsNote = `<p>The board API answered ${escapeHtml(error.status)} ${escapeHtml(error.apiCode)}: ${escapeHtml(error.message)}</p>`;
    }
    const csrf = escapeHtml(csrfFor(sid));
    const options = boards.map((b) => `<option value="${escapeHtml(b.id)}">${escapeHtml(b.name)}</option>`).join('');
    send(
      res,
      200,
      page(
        'Connected',
        `${notice}
        <dl class="card">
          <dt>Team</dt><dd>${escapeHtml(tokens.teamId)}</dd>
          <dt>User</dt><dd>${escapeHtml(tokens.userId)}</dd>
          <dt>Scopes</dt><dd>${escapeHtml(tokens.scope)}</dd>
          <dt>Access token expires</dt><dd id="expires">${escapeHtml(expires)}</dd>
        </dl>
        <form class="card" method="post" action="/notes">
          <input type="hidden" name="csrf" value="${csrf}">
          ${boardsNote}
          ${options ? `<label for="board">Board</label><select id="board" name="board">${options}</select>` : ''}
          <label for="content">Sticky note</label>
          <input id="content" name="content" type="text" maxlength="200" required value="Hello from Connect your board">
          <p><button type="submit">Add sticky note</button></p>
        </form>
        <form method="post" action="/disconnect">
          <input type="hidden" name="csrf" value="${csrf}">
          <button type="submit" class="secondary">Disconnect</button>
        </form>`,
      ),
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    let sid = sessionOf(req);
    if (!sid) {
      sid = randomBytes(24).toString('base64url');
      res.setHeader('set-cookie', `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax`);
    }
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /') return home(res, sid, url);
    if (route === 'GET /connect') {
      // The request is bound to this browser's session: a callback from another browser is refused.
      const { url: authorizationUrl } = await client.createAuthorizationRequest({ userKey: sid });
      return redirect(res, authorizationUrl);
    }
    if (route === 'GET /callback') {
      try {
        await client.handleCallback(req.url ?? '', sid);
        return redirect(res, '/?msg=connected');
      } catch (error) {
        if (error instanceof AuthorizationDenied) return redirect(res, '/?msg=denied');
        if (!isGrantboardError(error)) throw error;
        return send(
          res,
          400,
          page(
            'Could not connect',
            `<p>${escapeHtml(error.code)}: ${escapeHtml(error.message)}</p><p><a href="/">Back</a></p>`,
          ),
        );
      }
    }
    if (req.method === 'POST' && (url.pathname === '/notes' || url.pathname === '/disconnect')) {
      const form = await readForm(req);
      if (!csrfOk(sid, form.get('csrf')))
        return send(res, 403, page('Forbidden', '<p>The form expired. Go back and try again.</p>'));
      if (url.pathname === '/disconnect') {
        await client.revoke(sid);
        return redirect(res, '/?msg=disconnected');
      }
      try {
        const api = client.as(sid);
        const boardId = form.get('board') || (await api.createBoard({ name: 'Notes' })).id;
        await api.createStickyNote(boardId, { data: { content: form.get('content') ?? '' }, position: { x: 0, y: 0 } });
        return redirect(res, '/?msg=note-created');
      } catch (error) {
        if (error instanceof ReauthorizationRequired) return redirect(res, '/?msg=reconnect');
        if (!(error instanceof ApiError)) throw error;
        return send(
          res,
          error.status,
          page(
            'Could not add the note',
            `<p>${escapeHtml(error.apiCode)}: ${escapeHtml(error.message)}</p><p><a href="/">Back</a></p>`,
          ),
        );
      }
    }
    send(res, 404, page('Not found', '<p><a href="/">Home</a></p>'));
  }

  return (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) send(res, 500, page('Something went wrong', '<p>Please try again.</p>'));
    });
  };
}
