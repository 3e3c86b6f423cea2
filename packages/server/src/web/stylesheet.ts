import { BOARD_STYLESHEET } from './board-stylesheet.js';

/** The one stylesheet of every page, served from `/static/style.css` (CSP `style-src 'self'`). */
export const STYLESHEET = `
:root {
  --ink: #1a1b25; --muted: #555869; --line: #dcdde6; --bg: #f5f6fa; --card: #fff;
  --accent: #3451d1; --accent-dark: #2639a8; --accent-soft: #e8ebfc; --accent-ink: #fff;
  --danger: #b3261e; --danger-soft: #fdecea; --ok: #1e6b3a; --ok-soft: #e5f4ea; --warn: #7a4a00; --warn-soft: #fff4de;
  --focus: #1a56ff; --radius: 10px;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
a:hover { color: var(--accent-dark); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
main:focus { outline: none; }

.skip { position: absolute; left: 8px; top: -48px; padding: 8px 14px; background: var(--ink); color: #fff; border-radius: 6px; z-index: 10; }
.skip:focus { top: 8px; }

.top { background: var(--card); border-bottom: 1px solid var(--line); }
.top-inner { max-width: 1040px; margin: 0 auto; padding: 10px 20px; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 24px; }
.brand { display: inline-flex; align-items: center; gap: 8px; font-weight: 700; font-size: 1.1rem; color: var(--ink); text-decoration: none; }
.logo { width: 22px; height: 22px; border-radius: 6px; background: linear-gradient(135deg, #3451d1 0 50%, #ffd02f 50% 100%); }
.nav { flex: 1 1 auto; }
.nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px; margin: 0; padding: 0; }
.nav a { display: block; padding: 6px 12px; border-radius: 8px; color: var(--ink); text-decoration: none; }
.nav a:hover { background: var(--bg); }
.nav a[aria-current="page"] { background: var(--accent-soft); color: var(--accent-dark); font-weight: 600; }
.signout { display: flex; gap: 12px; align-items: center; margin: 0 0 0 auto; }
.who { color: var(--muted); }

main { margin: 32px auto; padding: 0 16px; overflow-wrap: break-word; }
main.narrow { max-width: 600px; }
main.wide { max-width: 1040px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 24px 28px; margin-bottom: 20px; }
.card > :first-child { margin-top: 0; }
.card > :last-child { margin-bottom: 0; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 8px; }
h2 { font-size: 1.15rem; margin: 24px 0 8px; }
h3 { font-size: 1rem; margin: 16px 0 4px; }
p { margin: 8px 0; }
.muted { color: var(--muted); }
.small { font-size: .875rem; }
.page-head { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 12px; margin-bottom: 20px; }
.page-head h1 { margin: 0; }
.page-head p { margin: 4px 0 0; }
.crumbs { font-size: .9rem; margin-bottom: 4px; }

label, .label { display: block; font-weight: 600; margin: 18px 0 4px; }
.hint { display: block; color: var(--muted); font-size: .875rem; font-weight: 400; margin: 2px 0 6px; }
input[type=email], input[type=password], input[type=text], input[type=url], select, textarea {
  width: 100%; padding: 10px 12px; font: inherit; color: var(--ink); border: 1px solid #8d90a3; border-radius: 8px; background: #fff;
}
textarea { min-height: 96px; resize: vertical; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; }
select:disabled, option:disabled { color: #6b6e80; }
fieldset { border: 1px solid var(--line); border-radius: var(--radius); padding: 8px 16px 14px; margin: 18px 0 0; min-width: 0; }
legend { font-weight: 600; padding: 0 6px; }
.checks { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 2px 16px; }
.check { display: flex; gap: 10px; align-items: flex-start; font-weight: 400; margin: 8px 0 0; }
.check input { margin: 4px 0 0; width: 18px; height: 18px; flex: none; accent-color: var(--accent); }
.check strong { display: block; }
.check code { font-size: .85rem; }

.actions { display: flex; gap: 12px; margin-top: 24px; flex-wrap: wrap; align-items: center; }
.actions.tight { margin-top: 12px; }
button, .button {
  display: inline-block; font: inherit; font-weight: 600; line-height: 1.25; padding: 10px 20px; border-radius: 8px;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); cursor: pointer; text-decoration: none; text-align: center;
}
button:hover, .button:hover { background: var(--accent-dark); border-color: var(--accent-dark); color: #fff; }
button.secondary, .button.secondary { background: #fff; color: var(--accent-dark); border-color: #8d90a3; }
button.secondary:hover, .button.secondary:hover { background: var(--accent-soft); color: var(--accent-dark); }
button.danger, .button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
button.danger:hover, .button.danger:hover { background: #8c1d17; border-color: #8c1d17; }
button.danger-outline { background: #fff; color: var(--danger); border-color: var(--danger); }
button.danger-outline:hover { background: var(--danger-soft); color: #8c1d17; }
button.small, .button.small { padding: 6px 12px; font-size: .875rem; }
button.link { background: none; border: none; color: var(--accent); padding: 0; font-weight: 400; text-decoration: underline; }
button.link:hover { color: var(--accent-dark); background: none; }
form.inline { display: inline; margin: 0; }
form.switch { margin: 8px 0 0; font-size: .95rem; }

.notice, .error, .warning { border-radius: 8px; padding: 10px 14px; margin: 0 0 16px; border-left: 4px solid; }
.notice { background: var(--ok-soft); border-color: var(--ok); color: #123d22; }
.error { background: var(--danger-soft); border-color: var(--danger); color: #5c120e; }
.warning { background: var(--warn-soft); border-color: #c27c00; color: #4a2d00; }
.card .notice, .card .error, .card .warning { margin: 12px 0; }

.tag { display: inline-block; font-size: .8rem; line-height: 1.4; padding: 1px 8px; border-radius: 999px; background: var(--accent-soft); color: #27348b; white-space: nowrap; }
.tag.grey { background: #eceef3; color: #3d4050; }
.tag.ok { background: var(--ok-soft); color: var(--ok); }
.tag.warn { background: var(--warn-soft); color: var(--warn); }
.tags { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0; padding: 0; list-style: none; }

ul.scopes { list-style: none; padding: 0; margin: 4px 0 12px; }
ul.scopes li { display: flex; gap: 10px; align-items: baseline; padding: 8px 0; border-top: 1px solid var(--line); }
ul.scopes li:first-child { border-top: none; }
ul.scopes .scope-text { flex: 1; }
ul.scopes code.tag { white-space: normal; overflow-wrap: anywhere; min-width: 0; max-width: 55%; }
.scope-group { display: flex; align-items: center; gap: 8px; font-size: .95rem; margin: 16px 0 0; }
.app-identity { display: flex; gap: 16px; align-items: center; margin-bottom: 12px; }
.app-icon { flex: none; width: 52px; height: 52px; border-radius: 12px; background: var(--accent-soft); color: var(--accent-dark); display: flex; align-items: center; justify-content: center; font-size: 1.5rem; font-weight: 700; }
.app-identity h1 { margin: 0; overflow-wrap: anywhere; }
.app-identity p { margin: 2px 0 0; }
.app-identity > div { min-width: 0; }
img.app-icon { object-fit: cover; background: #fff; border: 1px solid var(--line); }
.app-about { margin: 0 0 12px; }
.app-description { white-space: pre-line; overflow-wrap: anywhere; margin: 0 0 8px; }
.app-links { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; margin: 0; padding: 0; }
.app-links li { overflow-wrap: anywhere; min-width: 0; }
.field-error { color: var(--danger); font-weight: 600; font-size: .9rem; margin: 4px 0 8px; overflow-wrap: anywhere; }
[aria-invalid="true"] { border-color: var(--danger); }
textarea.short { min-height: 4.5em; }
h4.scope-group { margin: 14px 0 4px; font-size: .9rem; color: var(--muted); }
.error p { margin: 0; overflow-wrap: anywhere; }
.error, .warning, .notice { overflow-wrap: anywhere; }
.facts { list-style: none; padding: 0; margin: 16px 0; display: grid; gap: 8px; }
.facts li { padding-left: 26px; position: relative; }
.facts li::before { content: ""; position: absolute; left: 4px; top: .45em; width: 10px; height: 10px; border-radius: 50%; background: var(--accent); }

.rows { list-style: none; margin: 0; padding: 0; }
.row { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; justify-content: space-between; padding: 16px 0; border-top: 1px solid var(--line); }
.row:first-child { border-top: none; padding-top: 4px; }
.row:last-child { padding-bottom: 0; }
.row-main { flex: 1 1 320px; min-width: 0; }
.row-main h2, .row-main h3 { margin: 0 0 2px; font-size: 1.05rem; overflow-wrap: anywhere; }
.row-main p { margin: 2px 0; }
.row-actions { display: flex; gap: 8px; flex-wrap: wrap; }
.row .app-identity { align-items: flex-start; margin-bottom: 0; }
.empty { color: var(--muted); padding: 8px 0; }

dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 10px 20px; margin: 8px 0; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
code, .code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; overflow-wrap: anywhere; }
.secret { display: inline-block; background: #f0f1f6; border: 1px solid var(--line); border-radius: 6px; padding: 4px 8px; }
pre { background: #f0f1f6; padding: 12px; border-radius: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; font-size: .85rem; }

.tabs { display: flex; flex-wrap: wrap; gap: 4px; border-bottom: 1px solid var(--line); margin: 0 0 20px; padding: 0; list-style: none; }
.tabs a { display: block; padding: 8px 14px; color: var(--ink); text-decoration: none; border-bottom: 3px solid transparent; margin-bottom: -1px; }
.tabs a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: 600; color: var(--accent-dark); }

table { width: 100%; border-collapse: collapse; font-size: .95rem; }
th, td { text-align: left; padding: 10px 8px; border-top: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; border-top: none; }
.table-scroll { overflow-x: auto; }
time { white-space: nowrap; }
.grid-2 { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; margin-bottom: 20px; }
.grid-2 > .card { margin-bottom: 0; }
ul.hint { padding-left: 18px; margin: 6px 0 0; }

@media (max-width: 720px) {
  .grid-2 { grid-template-columns: 1fr; }
  .nav { order: 3; flex-basis: 100%; }
  .nav ul { margin: 0 -8px; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack tr { display: block; border-top: 1px solid var(--line); padding: 8px 0; }
  table.stack td { display: block; border: none; padding: 2px 0; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .85rem; }
}
ul.upstream-providers { list-style: none; padding: 0; margin: 16px 0; display: grid; gap: 8px; }
ul.upstream-providers .button { display: block; text-align: center; }
p.or { text-align: center; color: var(--muted); margin: 8px 0; }
@media (max-width: 480px) {
  main { margin: 16px auto; padding: 0 12px; }
  .card { padding: 18px 16px; }
  .top-inner { padding: 10px 12px; gap: 6px 12px; }
  .nav a { padding: 6px 8px; }
  h1 { font-size: 1.35rem; }
  .actions button, .actions .button { flex: 1 1 auto; }
  dl.kv { grid-template-columns: 1fr; gap: 2px; }
  dl.kv dd { margin-bottom: 8px; }
}
${BOARD_STYLESHEET}`;

/** The brand mark, as the pages' icon. */
export const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#ffd02f"/><path d="M0 8a8 8 0 0 1 8-8h24L0 32z" fill="#3451d1"/></svg>`;
