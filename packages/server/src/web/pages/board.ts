import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../app-context.js';
import type { BoardApp } from '../../domain/board-app-service.js';
import { type AccessibleBoard, atLeast } from '../../domain/board-roles.js';
import type { Refusal } from '../../domain/install-service.js';
import { type Html, html } from '../../http/html.js';
import { BOARD_PAGE_ACTOR } from '../board-endpoints.js';
import { askAdmins, initial, scopeTags } from '../format.js';
import { sendSignedInPage, signedIn } from '../guard.js';
import { link, ROUTES } from '../routes.js';
import type { SignedIn } from '../session.js';

/** The scripts of the board page; the app host is one of its modules. */
const BOARD_SCRIPT = link(ROUTES.script, { name: 'board.js' });

/**
 * The iframe's sandbox. A cross-origin app keeps its own origin (its scripts, storage and the
 * bridge's origin check need it); an app served from Grantboard's own origin never gets
 * `allow-same-origin`, which would let it script the board page and read the session's pages.
 */
export function sandboxFor(appOrigin: string, publicUrl: string): string {
  return appOrigin === new URL(publicUrl).origin
    ? 'allow-scripts allow-forms'
    : 'allow-scripts allow-same-origin allow-forms';
}

interface BoardPageView {
  user: SignedIn;
  access: AccessibleBoard;
  installed: BoardApp[];
  addable: BoardApp[];
  /** The app the board was opened with (`?app=`): its icon is clicked once the board has loaded. */
  opened: BoardApp | undefined;
  installRefusal: Refusal | undefined;
  publicUrl: string;
}

function appRow(entry: BoardApp, action: Html | string): Html {
  return html`<li class="panel-app">
  <div class="app-icon small" aria-hidden="true">${initial(entry.app.name)}</div>
  <div class="panel-app-main">
    <h4>${entry.app.name}</h4>
    <p class="muted small">${entry.origin}</p>
    ${scopeTags(entry.app.scopes)}
  </div>
  ${action}
</li>`;
}

function appsPanel(view: BoardPageView): Html {
  const board = view.access.board;
  return html`<aside class="apps-panel" id="apps" aria-labelledby="apps-title">
  <h2 id="apps-title">Apps</h2>
  <h3>Installed in ${board.team_name}</h3>
  ${
    view.installed.length === 0
      ? html`<p class="empty small">No board apps are installed in this team yet.</p>`
      : html`<ul class="panel-apps">${view.installed.map((entry) =>
          appRow(entry, html`<span class="tag ok">In the toolbar</span>`),
        )}</ul>`
  }
  <h3>Add apps</h3>
  ${
    view.addable.length === 0
      ? html`<p class="empty small">Every board app is installed.</p>`
      : view.installRefusal
        ? html`<p class="muted small">${view.installRefusal.message} ${askAdmins(view.installRefusal)}</p>
  <ul class="panel-apps">${view.addable.map((entry) => appRow(entry, ''))}</ul>`
        : html`<ul class="panel-apps">${view.addable.map((entry) =>
            appRow(
              entry,
              html`<a class="button secondary small" href="${link(ROUTES.boardAppInstall, { boardId: board.id, appId: entry.app.id })}" aria-label="Add ${entry.app.name}">Add</a>`,
            ),
          )}</ul>`
  }
  <p class="small"><a href="${link(ROUTES.teamApps, { teamId: board.team_id })}">Installed apps of ${board.team_name}</a></p>
</aside>`;
}

/** The app toolbar: one icon per installed app; a click fires `icon:click` in the app's headless frame. */
function appToolbar(view: BoardPageView): Html {
  if (view.installed.length === 0) return html``;
  return html`<div class="app-toolbar" role="toolbar" aria-label="Apps on this board">${view.installed.map(
    (entry) => html`<button type="button" class="app-launcher" title="${entry.app.name}" aria-label="${entry.app.name}"
      data-app-id="${entry.app.id}" data-app-name="${entry.app.name}" data-app-origin="${entry.origin}"
      data-app-url="${entry.sdkUri}" data-sandbox="${sandboxFor(entry.origin, view.publicUrl)}"><span class="app-icon small" aria-hidden="true">${initial(entry.app.name)}</span></button>`,
  )}</div>`;
}

/** Where apps' frames go: hidden headless frames, the panel beside the board, the modal over it. */
function appFrames(): Html {
  return html`<div class="app-headless" id="app-headless" hidden></div>
  <div class="app-modal" id="app-modal" hidden>
    <div class="app-modal-box" id="app-modal-box" role="dialog" aria-modal="true" aria-labelledby="app-modal-title">
      <div class="app-frame-head"><h2 id="app-modal-title">App</h2><button type="button" class="secondary small" id="app-modal-close" aria-label="Close">×</button></div>
      <div class="app-modal-body" id="app-modal-body"></div>
    </div>
  </div>
  <p class="app-notice" id="app-notice" role="status" aria-live="polite" hidden></p>`;
}

function boardBody(view: BoardPageView): Html {
  const { board, role } = view.access;
  const canEdit = atLeast(role, 'editor');
  return html`<div class="board-page" id="board" data-board-id="${board.id}" data-csrf="${view.user.csrf}" data-can-edit="${canEdit ? 'true' : 'false'}" data-open-app="${view.opened?.app.id ?? ''}">
  <div class="board-bar">
    <div class="board-title">
      <p class="crumbs"><a href="${ROUTES.home}">Teams</a> · ${board.team_name}</p>
      <h1>${board.name}</h1>
    </div>
    <ul class="tags board-role"><li><span class="tag${canEdit ? '' : ' grey'}">${canEdit ? `You can edit (${role})` : `View only (${role})`}</span></li></ul>
    <div class="board-tools" role="toolbar" aria-label="Board tools" aria-controls="canvas">
      ${canEdit ? html`<button type="button" id="add-note">Add sticky note</button>` : ''}
      <button type="button" class="secondary" id="zoom-out" aria-label="Zoom out">−</button>
      <output id="zoom-level" class="zoom-level" aria-live="off">100%</output>
      <button type="button" class="secondary" id="zoom-in" aria-label="Zoom in">+</button>
      <button type="button" class="secondary" id="zoom-fit">Fit</button>
    </div>
    ${appToolbar(view)}
  </div>
  <div class="board-layout" id="board-layout">
    <section class="board-canvas" id="canvas" aria-label="Board canvas" tabindex="0" aria-describedby="board-help">
      <div class="board-world" id="world"></div>
      <noscript><p class="board-message">The board needs JavaScript to draw its items.</p></noscript>
      <p class="board-help" id="board-help">${
        canEdit
          ? 'Drag the canvas to pan, scroll or use + and − to zoom. Drag a note to move it, double-click or press Enter to edit it, Delete to remove it.'
          : 'Drag the canvas to pan, scroll or use + and − to zoom. You can view this board but not change it.'
      }</p>
      <p class="board-status" id="status" role="status" aria-live="polite"></p>
    </section>
    <aside class="app-panel" id="app-panel" aria-labelledby="app-panel-title" hidden>
      <div class="app-frame-head"><h2 id="app-panel-title">App</h2><button type="button" class="secondary small" id="app-panel-close" aria-label="Close panel">×</button></div>
      <div class="app-panel-body" id="app-panel-body"></div>
    </aside>
    ${appsPanel(view)}
  </div>
  ${appFrames()}
</div>`;
}

/** The board page: items drawn by its script, the app toolbar, and the app shell's panel and modal. */
export function boardPages(app: FastifyInstance, { services, config }: AppContext): void {
  // Miro's board links end in a slash; the bare path is the same board.
  app.get(ROUTES.boardNoSlash, async (request, reply) => {
    const { boardId } = request.params as { boardId: string };
    const query = request.raw.url?.includes('?') ? request.raw.url.slice(request.raw.url.indexOf('?')) : '';
    return reply
      .code(301)
      .header('location', `${link(ROUTES.board, { boardId })}${query}`)
      .send();
  });

  app.get(ROUTES.board, async (request, reply: FastifyReply) => {
    const user = signedIn(request);
    const { boardId } = request.params as { boardId: string };
    const { app: requested } = request.query as { app?: string };
    const { access } = await services.boards.openAsUser(user.user.id, boardId, BOARD_PAGE_ACTOR);
    const apps = await services.boardApps.list(access.board.team_id);
    let opened: BoardApp | undefined;
    if (typeof requested === 'string' && requested !== '') {
      opened = apps.installed.find((a) => a.app.id === requested);
      const addable = apps.addable.find((a) => a.app.id === requested);
      // First use in this team: the install & authorize prompt comes first.
      if (!opened && addable) {
        return reply
          .code(303)
          .header('location', link(ROUTES.boardAppInstall, { boardId, appId: addable.app.id }))
          .send();
      }
    }
    const view: BoardPageView = {
      user,
      access,
      ...apps,
      opened,
      installRefusal: await services.installs.newInstallRefusal(user.user.id, access.board.team_id),
      publicUrl: config.publicUrl,
    };
    return sendSignedInPage(reply, user, {
      title: access.board.name,
      body: boardBody(view),
      full: true,
      scripts: [BOARD_SCRIPT],
      frameOrigins: apps.installed.map((entry) => entry.origin),
    });
  });
}
