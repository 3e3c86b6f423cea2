/** The board page's part of the stylesheet: the canvas, its items, the app toolbar, panel and modal, and the Apps list. */
export const BOARD_STYLESHEET = `
main.full { margin: 0; padding: 0; max-width: none; }
body.full .top-inner { max-width: none; }
.board-page { display: flex; flex-direction: column; height: calc(100vh - 57px); min-height: 480px; }
.board-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 10px 20px; background: var(--card); border-bottom: 1px solid var(--line); }
.board-title { flex: 1 1 240px; min-width: 0; }
.board-title h1 { font-size: 1.25rem; margin: 0; overflow-wrap: anywhere; }
.board-title .crumbs { margin: 0; }
.board-role { margin: 0; }
.board-tools { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.board-tools button { padding: 6px 12px; }
.zoom-level { min-width: 3.5em; text-align: center; font-variant-numeric: tabular-nums; color: var(--muted); }
.board-layout { flex: 1; display: flex; min-height: 0; }
.board-canvas { position: relative; flex: 1; overflow: hidden; background-color: #eef0f5;
  background-image: radial-gradient(#c9ccd8 1px, transparent 1px); background-size: 24px 24px;
  touch-action: none; cursor: grab; user-select: none; }
.board-canvas.panning { cursor: grabbing; }
.board-canvas:focus-visible { outline-offset: -3px; }
.board-world { position: absolute; left: 0; top: 0; width: 0; height: 0; transform-origin: 0 0; }
.item { position: absolute; box-sizing: border-box; }
.item-frame { background: rgba(255,255,255,.85); border: 1px solid #a9adbf; border-radius: 4px; }
.frame-title { position: absolute; left: 0; bottom: 100%; margin-bottom: 6px; font-size: 18px; font-weight: 600; color: #3d4050; white-space: nowrap; }
.item-text .item-body, .item-shape .item-body { margin: 0; font-size: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
.item-shape { background: #fff; border: 2px solid #1a1a1a; display: flex; align-items: center; justify-content: center; text-align: center; padding: 8px; }
.item-sticky_note { padding: 18px 16px; box-shadow: 0 2px 6px rgba(26,27,37,.18); cursor: grab; background: #fff9b1; }
.item-sticky_note:focus-visible { outline: 4px solid var(--focus); outline-offset: 2px; }
.item-sticky_note.dragging { cursor: grabbing; box-shadow: 0 10px 24px rgba(26,27,37,.28); z-index: 2; }
.item-sticky_note .item-body { margin: 0; font-size: 20px; line-height: 1.3; text-align: center; white-space: pre-wrap; overflow-wrap: anywhere; overflow: hidden; max-height: 100%; color: #1a1b25; }
.item-editor { position: absolute; inset: 8px; width: calc(100% - 16px); height: calc(100% - 16px); font: 20px/1.3 system-ui, sans-serif; text-align: center; border: 2px solid var(--focus); border-radius: 4px; background: rgba(255,255,255,.6); resize: none; padding: 8px; }
.item-delete { position: absolute; top: -12px; right: -12px; width: 28px; height: 28px; padding: 0; border-radius: 50%; font-size: 18px; line-height: 1; background: #fff; color: var(--danger); border: 1px solid var(--danger); display: none; }
.item-sticky_note:hover .item-delete, .item-sticky_note:focus-within .item-delete { display: block; }
.item-delete:hover { background: var(--danger-soft); color: #8c1d17; }
.fill-gray { background: #e6e6e6; } .fill-light_yellow { background: #fff9b1; } .fill-yellow { background: #f5d128; }
.fill-orange { background: #ff9d48; } .fill-light_green { background: #d5f692; } .fill-green { background: #c9df56; }
.fill-dark_green { background: #93d275; } .fill-cyan { background: #67c6c0; } .fill-light_pink { background: #ffcee0; }
.fill-pink { background: #ea94bb; } .fill-violet { background: #c6a2d2; } .fill-red { background: #f0939d; }
.fill-light_blue { background: #a6ccf5; } .fill-blue { background: #6cd8fa; } .fill-dark_blue { background: #9ea9ff; }
.fill-black { background: #000; } .fill-black .item-body { color: #fff; }
.board-help { position: absolute; left: 12px; bottom: 8px; margin: 0; max-width: min(560px, calc(100% - 24px)); font-size: .8rem; color: var(--muted); background: rgba(255,255,255,.9); padding: 4px 8px; border-radius: 6px; pointer-events: none; }
.board-status:empty { display: none; }
.board-status { position: absolute; left: 50%; top: 12px; transform: translateX(-50%); margin: 0; padding: 6px 14px; border-radius: 8px; background: var(--ink); color: #fff; font-size: .9rem; pointer-events: none; max-width: calc(100% - 24px); }
.board-message { position: absolute; inset: 40% 0 auto; text-align: center; }

.apps-panel { flex: 0 0 340px; overflow-y: auto; background: var(--card); border-left: 1px solid var(--line); padding: 14px 16px; }
.apps-panel h2 { margin: 0 0 8px; }
.apps-panel h3 { font-size: .95rem; margin: 18px 0 6px; color: var(--muted); }
.panel-apps { list-style: none; margin: 0; padding: 0; }
.panel-app { display: flex; gap: 10px; align-items: flex-start; padding: 10px 0; border-top: 1px solid var(--line); }
.panel-app:first-child { border-top: none; }
.panel-app-main { flex: 1; min-width: 0; }
.panel-app h4 { margin: 0; font-size: 1rem; overflow-wrap: anywhere; }
.panel-app p { margin: 0; overflow-wrap: anywhere; }
.app-icon.small { width: 36px; height: 36px; font-size: 1.1rem; border-radius: 9px; }
.item.selected { outline: 3px solid var(--focus); outline-offset: 3px; }
.item-text, .item-frame, .item-shape { cursor: pointer; }
.item-text:focus-visible, .item-frame:focus-visible, .item-shape:focus-visible { outline: 4px solid var(--focus); outline-offset: 2px; }
.shape-circle { border-radius: 50%; } .shape-round_rectangle { border-radius: 18px; }
.shape-triangle { clip-path: polygon(50% 0, 100% 100%, 0 100%); } .shape-rhombus { clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%); }
.shape-parallelogram { clip-path: polygon(20% 0, 100% 0, 80% 100%, 0 100%); } .shape-trapezoid { clip-path: polygon(20% 0, 80% 0, 100% 100%, 0 100%); }
.shape-pentagon { clip-path: polygon(50% 0, 100% 38%, 82% 100%, 18% 100%, 0 38%); }
.shape-hexagon { clip-path: polygon(25% 0, 75% 0, 100% 50%, 75% 100%, 25% 100%, 0 50%); }
.shape-octagon { clip-path: polygon(30% 0, 70% 0, 100% 30%, 100% 70%, 70% 100%, 30% 100%, 0 70%, 0 30%); }
.shape-star { clip-path: polygon(50% 0, 61% 35%, 98% 35%, 68% 57%, 79% 91%, 50% 70%, 21% 91%, 32% 57%, 2% 35%, 39% 35%); }
.shape-cross { clip-path: polygon(35% 0, 65% 0, 65% 35%, 100% 35%, 100% 65%, 65% 65%, 65% 100%, 35% 100%, 35% 65%, 0 65%, 0 35%, 35% 35%); }
.shape-right_arrow { clip-path: polygon(0 30%, 65% 30%, 65% 0, 100% 50%, 65% 100%, 65% 70%, 0 70%); }
.shape-left_arrow { clip-path: polygon(100% 30%, 35% 30%, 35% 0, 0 50%, 35% 100%, 35% 70%, 100% 70%); }
.shape-left_right_arrow { clip-path: polygon(0 50%, 25% 0, 25% 30%, 75% 30%, 75% 0, 100% 50%, 75% 100%, 75% 70%, 25% 70%, 25% 100%); }
.shape-cloud, .shape-can { border-radius: 40% / 30%; }
.item-card, .item-app_card { background: #fff; border: 2px solid #2d9bf0; border-left-width: 8px; border-radius: 6px; padding: 8px 10px; box-shadow: 0 1px 4px rgba(26,27,37,.15); cursor: pointer; }
.item-card .item-body, .item-app_card .item-body { margin: 0; font-size: 14px; white-space: pre-wrap; overflow: hidden; max-height: 100%; }
.item-card .item-body::first-line, .item-app_card .item-body::first-line { font-weight: 600; }
.item-image, .item-embed, .item-document { background: #f6f7fb; border: 2px dashed #a9adbf; border-radius: 6px; display: flex; align-items: center; justify-content: center; text-align: center; padding: 8px; cursor: pointer; }
.item-image .item-body, .item-embed .item-body, .item-document .item-body { margin: 0; font-size: 13px; color: var(--muted); overflow-wrap: anywhere; }
.item-image.has-picture { background: none; border-style: solid; border-color: transparent; padding: 0; }
.item-image.has-picture .item-body { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
.item-picture { display: block; width: 100%; height: 100%; object-fit: contain; pointer-events: none; user-select: none; }
.item-tags { position: absolute; left: 6px; right: 6px; bottom: 6px; display: flex; flex-wrap: wrap; gap: 4px; margin: 0; padding: 0; list-style: none; pointer-events: none; }
.item-tag { font-size: 11px; line-height: 1.2; padding: 2px 6px; border-radius: 4px; color: #fff; background: #e6473a; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tag-red { background: #c62828; } .tag-magenta { background: #ad1457; } .tag-violet { background: #6a1b9a; }
.tag-light_green { background: #33691e; } .tag-green { background: #2e7d32; } .tag-dark_green { background: #1b5e20; }
.tag-cyan { background: #00695c; } .tag-blue { background: #1565c0; } .tag-dark_blue { background: #0d2c7a; }
.tag-yellow { background: #8d6e00; } .tag-gray { background: #616161; } .tag-black { background: #000; } .tag-dark_gray { background: #424242; }
.app-card-controls { position: absolute; right: 6px; top: 6px; display: flex; gap: 4px; }
.app-card-controls button { padding: 1px 6px; font-size: 11px; line-height: 1.4; border-radius: 4px; }
.app-card-connect.status-connected { color: #1b5e20; } .app-card-connect.status-disabled { color: var(--muted); }
.connector-layer { position: absolute; left: 0; top: 0; overflow: visible; pointer-events: none; }
.rubber-band { position: absolute; border: 1px solid var(--focus); background: rgba(66,98,255,.12); pointer-events: none; }

.app-toolbar { display: flex; gap: 6px; align-items: center; padding-left: 10px; border-left: 1px solid var(--line); }
.app-launcher { padding: 2px; background: transparent; border: 1px solid transparent; border-radius: 10px; }
.app-launcher:hover { background: var(--accent-soft); border-color: var(--line); }
.app-panel { flex: 0 0 340px; display: flex; flex-direction: column; min-height: 0; background: var(--card); border-left: 1px solid var(--line); }
.app-panel[hidden], .app-modal[hidden], .app-notice[hidden] { display: none; }
.board-layout.with-app-panel .apps-panel { display: none; }
.app-frame-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 8px 12px; background: var(--accent-soft); }
.app-frame-head h2 { margin: 0; font-size: 1rem; color: var(--accent-dark); overflow-wrap: anywhere; }
.app-panel-body { flex: 1; min-height: 0; }
.app-panel-body iframe { display: block; width: 100%; height: 100%; min-height: 420px; border: 0; background: #fff; }
.app-modal { position: fixed; inset: 0; z-index: 20; display: flex; align-items: center; justify-content: center; background: rgba(26,27,37,.45); padding: 16px; }
.app-modal-box { display: flex; flex-direction: column; width: min(720px, 100%); height: min(520px, 100%); max-width: 100%; max-height: 100%; background: #fff; border-radius: 12px; overflow: hidden; box-shadow: 0 20px 50px rgba(26,27,37,.35); }
.app-modal-box.fullscreen { width: 100%; height: 100%; }
.app-modal-body { flex: 1; min-height: 0; }
.app-modal-body iframe { display: block; width: 100%; height: 100%; border: 0; }
.app-notice { position: fixed; right: 16px; bottom: 16px; z-index: 30; margin: 0; padding: 10px 16px; border-radius: 8px; background: var(--ink); color: #fff; max-width: min(420px, calc(100% - 32px)); box-shadow: 0 6px 18px rgba(26,27,37,.3); }
.app-notice.error { background: var(--danger); }

@media (max-width: 860px) {
  .board-page { height: auto; }
  .board-layout { flex-direction: column; }
  .board-canvas { flex: none; height: 62vh; min-height: 340px; }
  .apps-panel, .app-panel { flex: none; border-left: none; border-top: 1px solid var(--line); }
  .app-panel-body iframe { height: 520px; }
  .app-toolbar { border-left: none; padding-left: 0; }
  .board-bar { padding: 10px 12px; }
}
@media (max-width: 480px) {
  .board-tools { flex-wrap: nowrap; gap: 4px; }
  .board-tools button { padding: 6px 9px; }
  .zoom-level { min-width: 3em; }
  /* The canvas keeps its description for assistive technology; on a phone it would cover the board. */
  .board-help { clip-path: inset(50%); width: 1px; height: 1px; overflow: hidden; white-space: nowrap; padding: 0; }
}
`;
