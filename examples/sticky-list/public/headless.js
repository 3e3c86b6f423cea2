// Sticky List's App URL: it runs hidden as soon as the board opens, as on Miro, and opens the
// panel when the user clicks the app's icon in the board's toolbar.
miro.board.ui.on('icon:click', async () => {
  await miro.board.ui.openPanel({ url: '/panel.html' });
});
