/**
 * The app shell, as Miro runs apps (ARCHITECTURE.md decision 17): each installed app's App URL runs
 * in a hidden sandboxed frame as soon as the board opens; its toolbar icon fires `icon:click` there;
 * panels and modals are further frames of the same app origin. Every frame gets its own bridge
 * (`AppHost`); one message listener hands each message to the bridge of the window it came from,
 * and only when it came from the app's exact origin.
 */
import type { SdkEventDelivery, SdkFrameKind } from '@grantboard/protocol';
import { AppHost, isSdkMessage, type ShellApp, type ShellPage } from './app-host.js';
import type { BoardEndpoints } from './board-items.js';

export interface AppShell {
  /** Hands an event to every frame; each delivers it only if it listens and the server agrees. */
  emit(delivery: SdkEventDelivery): void;
  /** As if the user clicked the app's icon (the board was opened with `?app=`). */
  click(appId: string): void;
}

type ShellPageBase = Omit<ShellPage, 'openPanel' | 'closePanel' | 'openModal' | 'closeModal' | 'dragging'>;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

function makeFrame(app: ShellApp, src: string, id: string, title: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.id = id;
  frame.title = title;
  frame.src = src;
  frame.setAttribute('sandbox', app.sandbox);
  frame.referrerPolicy = 'no-referrer';
  frame.dataset.appId = app.id;
  return frame;
}

export function startAppShell(endpoints: BoardEndpoints, base: ShellPageBase): AppShell {
  const layout = byId('board-layout');
  const panel = byId('app-panel');
  const panelTitle = byId('app-panel-title');
  const panelBody = byId('app-panel-body');
  const modal = byId('app-modal');
  const modalBox = byId('app-modal-box');
  const modalTitle = byId('app-modal-title');
  const modalBody = byId('app-modal-body');
  const headlessBox = byId('app-headless');
  const hosts = new Map<Window, AppHost>();
  const headless = new Map<string, AppHost>();
  let panelHost: AppHost | undefined;
  let modalHost: AppHost | undefined;
  let returnFocus: HTMLElement | null = null;
  /**
   * The frame a drag started in, until it ends. A frame of another site runs in its own process and
   * does not hear the release once the pointer left it; this page does, and drops there.
   */
  let dragFrom: AppHost | undefined;
  window.addEventListener('pointerdown', () => (dragFrom = undefined), true);
  window.addEventListener(
    'pointerup',
    (event) => {
      const host = dragFrom;
      dragFrom = undefined;
      host?.drop(event.clientX, event.clientY);
    },
    true,
  );

  const apps: ShellApp[] = Array.from(document.querySelectorAll<HTMLButtonElement>('.app-launcher')).map((button) => ({
    id: button.dataset.appId ?? '',
    name: button.dataset.appName ?? '',
    origin: button.dataset.appOrigin ?? '',
    url: button.dataset.appUrl ?? '',
    sandbox: button.dataset.sandbox ?? 'allow-scripts',
  }));

  function track(host: AppHost): AppHost {
    // The window exists once the frame is in the document; it stays the same across navigations.
    if (host.frame.contentWindow) hosts.set(host.frame.contentWindow, host);
    return host;
  }

  function untrack(host: AppHost | undefined): void {
    if (!host) return;
    for (const [win, h] of hosts) if (h === host) hosts.delete(win);
    host.frame.remove();
  }

  function closePanel(app: ShellApp | undefined, result: unknown): void {
    if (!panelHost || (app && panelHost.app.id !== app.id)) return;
    const closing = panelHost;
    panelHost = undefined;
    untrack(closing);
    if (panel) panel.hidden = true;
    layout?.classList.remove('with-app-panel');
    closing.opener?.closed('panel', result);
  }

  function closeModal(app: ShellApp | undefined, result: unknown): void {
    if (!modalHost || (app && modalHost.app.id !== app.id)) return;
    const closing = modalHost;
    modalHost = undefined;
    untrack(closing);
    if (modal) modal.hidden = true;
    closing.opener?.closed('modal', result);
    returnFocus?.focus();
  }

  const page: ShellPage = {
    ...base,
    openPanel(opener, url, height, data) {
      if (!panel || !panelBody) return;
      closePanel(undefined, undefined);
      const frame = makeFrame(opener.app, url, 'app-panel-frame', opener.app.name);
      if (height) frame.style.height = `${Math.min(height, 2000)}px`;
      panelBody.replaceChildren(frame);
      if (panelTitle) panelTitle.textContent = opener.app.name;
      panel.hidden = false;
      layout?.classList.add('with-app-panel');
      panelHost = track(new AppHost(frame, 'panel', opener.app, data, endpoints, page, opener));
    },
    closePanel,
    openModal(opener, url, options, data) {
      if (!modal || !modalBody || !modalBox) return;
      closeModal(undefined, undefined);
      returnFocus = document.activeElement as HTMLElement | null;
      const frame = makeFrame(opener.app, url, 'app-modal-frame', opener.app.name);
      modalBody.replaceChildren(frame);
      if (modalTitle) modalTitle.textContent = opener.app.name;
      modalBox.classList.toggle('fullscreen', options.fullscreen === true);
      modalBox.style.width = options.width && !options.fullscreen ? `${Math.min(options.width, 2000)}px` : '';
      modalBox.style.height = options.height && !options.fullscreen ? `${Math.min(options.height, 2000)}px` : '';
      modal.hidden = false;
      byId('app-modal-close')?.focus();
      modalHost = track(new AppHost(frame, 'modal', opener.app, data, endpoints, page, opener));
    },
    closeModal,
    dragging(host, state) {
      const pending = dragFrom === host;
      dragFrom = state === 'start' ? host : undefined;
      return pending;
    },
  };

  byId('app-panel-close')?.addEventListener('click', () => closePanel(undefined, undefined));
  byId('app-modal-close')?.addEventListener('click', () => closeModal(undefined, undefined));
  modal?.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeModal(undefined, undefined);
  });

  window.addEventListener('message', (event: MessageEvent) => {
    const host = event.source ? hosts.get(event.source as Window) : undefined;
    // Both checks: the window (one of the app frames, not another frame or tab) and the origin (not
    // a page the frame navigated to).
    if (!host || event.origin !== host.app.origin) {
      if (isSdkMessage(event.data)) console.warn(`Ignored a Web SDK message from ${event.origin}.`);
      return;
    }
    if (isSdkMessage(event.data)) host.receive(event.data);
  });

  // Headless: every app's App URL runs as soon as the board opens.
  for (const app of apps) {
    if (!headlessBox) break;
    const frame = makeFrame(app, app.url, `app-headless-${app.id}`, `${app.name} (runs in the background)`);
    headlessBox.append(frame);
    headless.set(app.id, track(new AppHost(frame, 'headless', app, undefined, endpoints, page, undefined)));
  }
  for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('.app-launcher'))) {
    button.addEventListener('click', () => {
      const host = headless.get(button.dataset.appId ?? '');
      if (host) void host.deliver({ event: 'icon:click' });
    });
  }

  const kinds: SdkFrameKind[] = ['headless', 'panel', 'modal'];
  return {
    emit(delivery) {
      const all = [...headless.values(), panelHost, modalHost].filter((h): h is AppHost => h !== undefined);
      for (const kind of kinds) for (const host of all.filter((h) => h.kind === kind)) void host.deliver(delivery);
    },
    click(appId) {
      void headless.get(appId)?.deliver({ event: 'icon:click' });
    },
  };
}
