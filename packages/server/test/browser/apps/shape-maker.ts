import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * "Shape Maker": a board app written the way Miro's examples are (a headless App URL that opens a
 * panel on `icon:click`; the panel turns the selection into shapes (noting in each shape's metadata what it was made from), drops notes onto the board,
 * shows a notification and opens a modal with data), served on loopback for the shell's tests.
 * Its pages load the SDK from Miro's path on the Grantboard server, as a Miro app would.
 */
function pages(grantboard: string): Record<string, string> {
  const head = (title: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<script src="${grantboard}/app/static/sdk/v2/miro.js"></script>`;
  return {
    '/': `${head('Shape Maker')}<script src="/headless.js"></script></head><body></body></html>`,
    '/headless.js': `
miro.board.ui.on('icon:click', async () => {
  await miro.board.ui.openPanel({ url: 'panel.html', data: { greeting: 'Hello from the icon' } });
});`,
    '/panel.html': `${head('Shape Maker panel')}<style>.miro-draggable{padding:12px;background:#fff9b1;cursor:grab;user-select:none}</style>
<script src="/panel.js" defer></script></head><body>
<h1 id="greeting">…</h1>
<p id="selected">Nothing selected</p>
<button type="button" id="shapes">Turn into shapes</button>
<button type="button" id="notify">Notify</button>
<button type="button" id="modal">Open modal</button>
<div class="miro-draggable" id="drag-me" data-content="Dropped note">Drag me onto the board</div>
<p id="status"></p>
</body></html>`,
    '/panel.js': `
const { board } = miro;
const $ = (id) => document.getElementById(id);
const show = (text) => { $('status').textContent = text; };
board.ui.getPanelData().then((data) => { $('greeting').textContent = data ? data.greeting : 'No data'; });
board.ui.on('selection:update', ({ items }) => { $('selected').textContent = items.length + ' selected'; })
  .catch((error) => show(error.message));
$('shapes').addEventListener('click', async () => {
  try {
    const notes = (await board.getSelection()).filter((item) => item.type === 'sticky_note');
    for (const note of notes) await board.remove(note);
    for (const note of notes) {
      const shape = await board.createShape({ content: note.content, shape: 'round_rectangle', x: note.x, y: note.y, width: note.width, height: note.height });
      await shape.setMetadata('madeFrom', { stickyNote: note.id });
    }
    show('Made ' + notes.length + ' shapes');
  } catch (error) { show(error.message); }
});
board.ui.on('drop', async ({ x, y, target }) => {
  try {
    const note = await board.createStickyNote({ content: target.dataset.content, x, y });
    await board.viewport.zoomTo(note);
    show('Dropped at ' + Math.round(x) + ',' + Math.round(y));
  } catch (error) { show(error.message); }
});
$('notify').addEventListener('click', () => board.notifications.showInfo('Shapes are ready').catch((e) => show(e.message)));
$('modal').addEventListener('click', async () => {
  const { waitForClose } = await board.ui.openModal({ url: 'modal.html', width: 420, height: 280, data: { count: 3 } });
  show('Modal closed: ' + (await waitForClose()));
});`,
    '/modal.html': `${head('Shape Maker modal')}<script src="/modal.js" defer></script></head><body>
<h1 id="count">…</h1><button type="button" id="done">Done</button></body></html>`,
    '/modal.js': `
miro.board.ui.getModalData().then((data) => { document.getElementById('count').textContent = data.count + ' items'; });
document.getElementById('done').addEventListener('click', () => miro.board.ui.closeModal('done'));`,
  };
}

export async function shapeMakerServer(grantboard: string): Promise<{ url: string; close(): Promise<void> }> {
  const files = pages(grantboard);
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const body = files[path];
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
      'content-security-policy': `frame-ancestors ${grantboard}`,
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
