// Sticky List: adds sticky notes from a list through the Grantboard Web SDK, lists the board's notes
// as they change, and proves to its own back end who is using it with an id token.
const { board } = window.miro;
const $ = (id) => document.getElementById(id);

function show(message, isError = false) {
  $('status').textContent = message;
  $('status').className = isError ? 'error' : '';
}

async function refresh() {
  try {
    const notes = await board.get({ type: 'sticky_note' });
    $('count').textContent = `(${notes.length} sticky notes)`;
    $('notes').replaceChildren(
      ...notes.map((note) => {
        const li = document.createElement('li');
        li.textContent = note.content.replace(/<[^>]*>/g, '') || '(empty)';
        return li;
      }),
    );
  } catch (error) {
    show(error.message, true);
  }
}

$('add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const lines = $('lines')
    .value.split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  $('add').disabled = true;
  try {
    for (const [i, content] of lines.entries()) {
      await board.createStickyNote({
        content,
        x: -600 + (i % 4) * 230,
        y: -700 + Math.floor(i / 4) * 260,
        style: { fillColor: $('color').value },
      });
    }
    show(`Added ${lines.length} sticky notes.`);
  } catch (error) {
    // E.g. "Method 'createStickyNote' requires scope 'boards:write'".
    show(error.message, true);
  } finally {
    $('add').disabled = false;
  }
});

$('verify').addEventListener('click', async () => {
  try {
    const token = await board.getIdToken();
    const response = await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } });
    $('backend').textContent = JSON.stringify(await response.json(), null, 2);
  } catch (error) {
    $('backend').textContent = error.message;
  }
});

try {
  const user = await board.getUserInfo();
  $('who').textContent = `Hello, ${user.name}.`;
} catch (error) {
  $('who').textContent = error.message;
}
await refresh();
for (const event of ['items:create', 'experimental:items:update', 'items:delete']) {
  board.ui.on(event, refresh).catch((error) => show(error.message, true));
}
