/**
 * Draws a board's items at their positions in a pannable, zoomable world, and turns the user's
 * gestures on sticky notes into changes (move, edit, delete) for the page to save.
 */
import { plainText, type SdkItem, type SdkTag } from './board-items.js';

/** What the user did to a sticky note; the page saves it and redraws from the server's answer. */
export interface CanvasActions {
  move(item: SdkItem, x: number, y: number): void;
  edit(item: SdkItem, content: string): void;
  remove(item: SdkItem): void;
}

const MIN_ZOOM = 0.1;
const MAX_ZOOM = 4;
/** A pointer that moves less than this (in screen pixels) clicked rather than dragged. */
const DRAG_THRESHOLD = 4;
/** Arrow keys move a focused note this far, in board units. */
const NUDGE = 20;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** Colours are Miro's hex strings, checked by the server's schema; only those are applied. */
const hex = (value: unknown) => (typeof value === 'string' && /^#[0-9a-fA-F]{6,8}$/.test(value) ? value : '');

/**
 * The path of a file uploaded to this server (`/files/{id}`), which the page may load under its CSP
 * (`img-src 'self'`); undefined for any other URL, which stays a preview box.
 */
function ownFilePath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.origin === window.location.origin && /^\/files\/[A-Za-z0-9_-]{43}$/.test(parsed.pathname)
      ? parsed.pathname
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Draws an image stored as a file (uploaded, or given to the SDK as a data URL) inside its item, or
 * removes the picture when the item has none; an image by address stays a preview box (the board
 * loads nothing from elsewhere).
 */
function drawPicture(element: HTMLElement, item: SdkItem): void {
  const path = item.type === 'image' ? ownFilePath(item.url) : undefined;
  let picture = element.querySelector<HTMLImageElement>('img.item-picture');
  if (path === undefined) {
    picture?.remove();
    element.classList.remove('has-picture');
    return;
  }
  if (!picture) {
    picture = document.createElement('img');
    picture.className = 'item-picture';
    picture.draggable = false;
    // The item's group is labelled already; the picture adds nothing for a screen reader.
    picture.alt = '';
    element.append(picture);
  }
  if (picture.getAttribute('src') !== path) picture.src = path;
  element.classList.add('has-picture');
}

/** Where a URL points, for a preview box (the board loads no image or page from another origin). */
function urlLabel(url: string | undefined): string {
  if (!url) return '';
  try {
    const parsed = new URL(url);
    const name = parsed.pathname.split('/').filter(Boolean).at(-1);
    return name ? `${decodeURIComponent(name)} (${parsed.host})` : parsed.host;
  } catch {
    return '';
  }
}

/** The text an item shows: cards their title and description, images and embeds where they point. */
function itemText(item: SdkItem): string {
  switch (item.type) {
    case 'frame':
      return plainText(item.title);
    case 'card':
      return [plainText(item.title), plainText(item.description)].filter(Boolean).join('\n');
    case 'app_card': {
      const fields = (item.fields ?? []).map((field) => String(field.value ?? '')).filter(Boolean);
      return [plainText(item.title), fields.join(' · ')].filter(Boolean).join('\n');
    }
    case 'image':
      return `Image: ${plainText(item.title) || urlLabel(item.url)}`;
    case 'embed':
      return `Embed: ${urlLabel(item.url)}`;
    default:
      return plainText(item.content);
  }
}

export class BoardCanvas {
  private readonly items = new Map<string, SdkItem>();
  /** Item ids from the bottom of the drawing order to the top; items not in it are drawn on top. */
  private order: string[] = [];
  /** The board's tags, drawn on the cards and sticky notes that carry them. */
  private tags = new Map<string, SdkTag>();
  private readonly elements = new Map<string, HTMLElement>();
  private panX = 0;
  private panY = 0;
  private zoom = 1;
  /** Items the user is dragging or editing: a refresh from the server leaves them alone. */
  private readonly busy = new Set<string>();
  /** The selected items, in the order they were selected. */
  private readonly selection = new Set<string>();
  /** Until the user pans or zooms, the view keeps every item in sight as the window changes size. */
  private userMoved = false;

  constructor(
    private readonly canvas: HTMLElement,
    private readonly world: HTMLElement,
    private readonly canEdit: boolean,
    private readonly actions: CanvasActions,
    private readonly onZoom: (zoom: number) => void,
    /** Told the selected ids whenever the selection changes (apps hear `selection:update`). */
    private readonly onSelection: (ids: string[]) => void = () => {},
    /** The user clicked an app card's open icon or its status (its app hears `app_card:open` / `app_card:connect`). */
    private readonly onAppCard: (id: string, action: 'open' | 'connect') => void = () => {},
  ) {
    this.listenForPanAndZoom();
    new ResizeObserver(() => {
      if (!this.userMoved) this.fit();
    }).observe(canvas);
  }

  get(id: string): SdkItem | undefined {
    return this.items.get(id);
  }

  all(): SdkItem[] {
    return [...this.items.values()];
  }

  isBusy(id: string): boolean {
    return this.busy.has(id);
  }

  /** The board's tags changed (or were read): redraws the items that carry them. */
  setTags(tags: SdkTag[]): void {
    const next = new Map(tags.map((tag) => [tag.id, tag]));
    const same =
      next.size === this.tags.size &&
      tags.every((tag) => JSON.stringify(this.tags.get(tag.id)) === JSON.stringify(tag));
    this.tags = next;
    if (!same) this.draw();
  }

  /** The server's drawing order (bottom to top); redraws when it changed. */
  setOrder(ids: string[]): void {
    if (ids.join() === this.order.join()) return;
    this.order = ids;
    this.draw();
  }

  /** Moves items to the top or the bottom of the drawing order, keeping their order among themselves. */
  restack(ids: string[], edge: 'front' | 'back'): void {
    const moving = new Set(ids);
    const known = [...this.order, ...[...this.items.keys()].filter((id) => !this.order.includes(id))];
    const kept = known.filter((id) => !moving.has(id));
    const moved = known.filter((id) => moving.has(id));
    this.order = edge === 'front' ? [...kept, ...moved] : [...moved, ...kept];
    this.draw();
  }

  /** Adds or replaces items and draws them. */
  put(items: SdkItem[]): void {
    for (const item of items) this.items.set(item.id, item);
    this.draw();
  }

  delete(ids: string[]): void {
    const wasSelected = ids.some((id) => this.selection.has(id));
    for (const id of ids) {
      this.selection.delete(id);
      this.items.delete(id);
      this.elements.get(id)?.remove();
      this.elements.delete(id);
    }
    this.draw();
    if (wasSelected) this.onSelection(this.selected());
  }

  selected(): string[] {
    return [...this.selection].filter((id) => this.items.has(id));
  }

  /** Adds items to the selection (or replaces it when `add` is false). */
  select(ids: string[], add: boolean): void {
    const before = this.selected().join();
    if (!add) this.selection.clear();
    for (const id of ids) if (this.items.has(id)) this.selection.add(id);
    this.selectionChanged(before);
  }

  deselect(ids?: string[]): void {
    const before = this.selected().join();
    if (ids) for (const id of ids) this.selection.delete(id);
    else this.selection.clear();
    this.selectionChanged(before);
  }

  private toggle(id: string): void {
    const before = this.selected().join();
    if (this.selection.has(id)) this.selection.delete(id);
    else this.selection.add(id);
    this.selectionChanged(before);
  }

  private selectionChanged(before: string): void {
    for (const [id, element] of this.elements) {
      element.classList.toggle('selected', this.selection.has(id));
      // A group has no aria-selected; aria-current tells assistive technology which items are chosen.
      if (this.selection.has(id)) element.setAttribute('aria-current', 'true');
      else element.removeAttribute('aria-current');
    }
    if (this.selected().join() !== before) this.onSelection(this.selected());
  }

  /** What the user sees, in board coordinates (Miro's `viewport.get()`). */
  viewport(): { x: number; y: number; width: number; height: number } {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: Math.round(-this.panX / this.zoom),
      y: Math.round(-this.panY / this.zoom),
      width: Math.round(box.width / this.zoom),
      height: Math.round(box.height / this.zoom),
    };
  }

  /** Shows the given board rectangle, as large as it fits. */
  setViewport(rect: { x: number; y: number; width: number; height: number }) {
    this.userMoved = true;
    const box = this.canvas.getBoundingClientRect();
    this.zoom = clamp(Math.min(box.width / rect.width, box.height / rect.height), MIN_ZOOM, MAX_ZOOM);
    this.panX = box.width / 2 - (rect.x + rect.width / 2) * this.zoom;
    this.panY = box.height / 2 - (rect.y + rect.height / 2) * this.zoom;
    this.applyView();
    return this.viewport();
  }

  zoomLevel(): number {
    return this.zoom;
  }

  setZoom(zoom: number): void {
    this.zoomBy(zoom / this.zoom);
  }

  /** Shows the given items, as large as they fit. */
  zoomTo(ids: string[]): void {
    const boxes = ids
      .map((id) => this.items.get(id))
      .filter((item) => item !== undefined)
      .map((item) => this.box(item));
    if (boxes.length === 0) return;
    const left = Math.min(...boxes.map((b) => b.left));
    const top = Math.min(...boxes.map((b) => b.top));
    const right = Math.max(...boxes.map((b) => b.left + b.width));
    const bottom = Math.max(...boxes.map((b) => b.top + b.height));
    const margin = 40;
    this.setViewport({
      x: left - margin,
      y: top - margin,
      width: right - left + margin * 2,
      height: bottom - top + margin * 2,
    });
  }

  /** A point of the page's viewport as a board point, if it is over the canvas. */
  boardPoint(clientX: number, clientY: number): { x: number; y: number } | undefined {
    const box = this.canvas.getBoundingClientRect();
    if (clientX < box.left || clientX > box.right || clientY < box.top || clientY > box.bottom) return undefined;
    return { x: (clientX - box.left - this.panX) / this.zoom, y: (clientY - box.top - this.panY) / this.zoom };
  }

  /** The board point at the centre of what the user sees. */
  viewCentre(): { x: number; y: number } {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: Math.round((box.width / 2 - this.panX) / this.zoom),
      y: Math.round((box.height / 2 - this.panY) / this.zoom),
    };
  }

  focusItem(id: string): void {
    this.elements.get(id)?.focus();
  }

  zoomBy(factor: number, around?: { x: number; y: number }): void {
    this.userMoved = true;
    const box = this.canvas.getBoundingClientRect();
    const point = around ?? { x: box.width / 2, y: box.height / 2 };
    const next = clamp(this.zoom * factor, MIN_ZOOM, MAX_ZOOM);
    // Keep the board point under `point` where it is.
    this.panX = point.x - ((point.x - this.panX) * next) / this.zoom;
    this.panY = point.y - ((point.y - this.panY) * next) / this.zoom;
    this.zoom = next;
    this.applyView();
  }

  /** Zooms and pans so every item is in view (the board centre when it is empty). */
  fit(): void {
    this.userMoved = false;
    const box = this.canvas.getBoundingClientRect();
    const bounds = this.bounds();
    if (!bounds) {
      this.zoom = 1;
      this.panX = box.width / 2;
      this.panY = box.height / 2;
    } else {
      const margin = 40;
      const width = Math.max(bounds.right - bounds.left, 1);
      const height = Math.max(bounds.bottom - bounds.top, 1);
      this.zoom = clamp(
        Math.min((box.width - margin * 2) / width, (box.height - margin * 2) / height, 1),
        MIN_ZOOM,
        MAX_ZOOM,
      );
      this.panX = (box.width - width * this.zoom) / 2 - bounds.left * this.zoom;
      this.panY = (box.height - height * this.zoom) / 2 - bounds.top * this.zoom;
    }
    this.applyView();
  }

  /** Brings items into view when any of them is out of it (an app added them somewhere unseen). */
  reveal(items: SdkItem[]): void {
    const view = this.canvas.getBoundingClientRect();
    const visible = (item: SdkItem) => {
      const b = this.box(item);
      const left = b.left * this.zoom + this.panX;
      const top = b.top * this.zoom + this.panY;
      return (
        left >= 0 && top >= 0 && left + b.width * this.zoom <= view.width && top + b.height * this.zoom <= view.height
      );
    };
    if (!items.every(visible)) this.fit();
  }

  /** The item's box on the board: its centre made absolute through its frame, if it is in one. */
  private box(item: SdkItem): { left: number; top: number; width: number; height: number } {
    let x = item.x;
    let y = item.y;
    const parent = item.parentId ? this.items.get(item.parentId) : undefined;
    if (parent && item.relativeTo === 'parent_top_left') {
      x += parent.x - parent.width / 2;
      y += parent.y - parent.height / 2;
    }
    return { left: x - item.width / 2, top: y - item.height / 2, width: item.width, height: item.height };
  }

  private bounds() {
    let out: { left: number; top: number; right: number; bottom: number } | undefined;
    for (const item of this.items.values()) {
      if (item.type === 'connector') continue;
      const b = this.box(item);
      out = {
        left: Math.min(out?.left ?? b.left, b.left),
        top: Math.min(out?.top ?? b.top, b.top),
        right: Math.max(out?.right ?? b.left + b.width, b.left + b.width),
        bottom: Math.max(out?.bottom ?? b.top + b.height, b.top + b.height),
      };
    }
    return out;
  }

  private applyView(): void {
    this.world.style.transform = `translate(${this.panX}px, ${this.panY}px) scale(${this.zoom})`;
    this.onZoom(this.zoom);
  }

  /** Connectors: lines between the centres of the items they join, redrawn with them. */
  private readonly lines = document.createElementNS('http://www.w3.org/2000/svg', 'svg');

  private drawConnectors(connectors: SdkItem[]): void {
    const svg = this.lines;
    svg.setAttribute('class', 'connector-layer');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('width', '1');
    svg.setAttribute('height', '1');
    const paths: SVGLineElement[] = [];
    for (const connector of connectors) {
      const from = connector.start && this.items.get(connector.start.item);
      const to = connector.end && this.items.get(connector.end.item);
      if (!from || !to) continue;
      const a = this.box(from);
      const b = this.box(to);
      const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
      line.setAttribute('x1', String(a.left + a.width / 2));
      line.setAttribute('y1', String(a.top + a.height / 2));
      line.setAttribute('x2', String(b.left + b.width / 2));
      line.setAttribute('y2', String(b.top + b.height / 2));
      line.setAttribute('stroke', hex(connector.style?.strokeColor) || '#1a1a1a');
      line.setAttribute('stroke-width', String(Number(connector.style?.strokeWidth ?? 2) || 2));
      line.dataset.connectorId = connector.id;
      paths.push(line);
    }
    svg.replaceChildren(...paths);
    this.world.append(svg);
  }

  private draw(): void {
    const connectors = this.all().filter((item) => item.type === 'connector');
    // Frames first, so everything else sits on top of them; then the drawing order (bottom to top:
    // what `bringToFront` / `sendToBack` moved, new items on top); connectors are lines, drawn after.
    const rank = new Map(this.order.map((id, i) => [id, i]));
    const ordered = this.all()
      .filter((item) => item.type !== 'connector')
      .sort(
        (a, b) =>
          Number(b.type === 'frame') - Number(a.type === 'frame') ||
          (rank.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (rank.get(b.id) ?? Number.MAX_SAFE_INTEGER),
      );
    this.drawConnectors(connectors);
    for (const item of ordered) {
      let element = this.elements.get(item.id);
      if (!element) {
        element = this.create(item);
        this.elements.set(item.id, element);
      }
      this.world.append(element);
      if (!this.busy.has(item.id)) this.update(element, item);
    }
  }

  private create(item: SdkItem): HTMLElement {
    const element = document.createElement('div');
    element.className = `item item-${item.type.replace(/[^a-z_]/g, '')}`;
    element.dataset.itemId = item.id;
    const text = document.createElement(item.type === 'frame' ? 'span' : 'p');
    text.className = item.type === 'frame' ? 'frame-title' : 'item-body';
    element.append(text);
    element.tabIndex = 0;
    element.setAttribute('role', 'group');
    if (item.type === 'sticky_note' && this.canEdit) this.makeEditable(element, item.id);
    else this.makeSelectable(element, item.id);
    return element;
  }

  private update(element: HTMLElement, item: SdkItem): void {
    const b = this.box(item);
    element.style.left = `${b.left}px`;
    element.style.top = `${b.top}px`;
    element.style.width = `${b.width}px`;
    element.style.height = `${b.height}px`;
    const text = itemText(item);
    (element.firstElementChild as HTMLElement).textContent = item.type === 'frame' ? text || 'Frame' : text;
    const selected = this.selection.has(item.id) ? ' selected' : '';
    if (item.type === 'sticky_note') {
      const fill = String(item.style?.fillColor ?? 'light_yellow').replace(/[^a-z_]/g, '');
      element.className = `item item-sticky_note fill-${fill}${selected}`;
      element.setAttribute('aria-label', `Sticky note: ${text || 'empty'}`);
    } else if (item.type === 'shape') {
      const shape = String(item.shape ?? 'rectangle').replace(/[^a-z_]/g, '');
      element.className = `item item-shape shape-${shape}${selected}`;
      element.style.backgroundColor = hex(item.style?.fillColor);
      element.style.borderColor = hex(item.style?.borderColor);
      element.style.color = hex(item.style?.color);
      element.setAttribute('aria-label', `Shape (${shape.replaceAll('_', ' ')}): ${text || 'empty'}`);
    } else if (item.type === 'card' || item.type === 'app_card') {
      element.className = `item item-${item.type}${selected}`;
      element.style.borderColor = hex(item.style?.cardTheme ?? item.style?.fillColor);
      element.setAttribute('aria-label', `${item.type === 'card' ? 'Card' : 'App card'}: ${text || 'untitled'}`);
      if (item.type === 'app_card') this.drawAppCardControls(element, item);
    } else {
      element.className = `item item-${item.type.replace(/[^a-z_]/g, '')}${selected}`;
      const kind = item.type === 'frame' ? 'Frame' : item.type === 'text' ? 'Text' : item.type.replaceAll('_', ' ');
      // Images and embeds name themselves ("Image: …").
      const label = item.type === 'image' || item.type === 'embed' ? text : `${kind}: ${text || 'empty'}`;
      element.setAttribute('aria-label', label);
    }
    drawPicture(element, item);
    if (typeof item.rotation === 'number' && item.rotation !== 0)
      element.style.transform = `rotate(${item.rotation}deg)`;
    this.drawTags(element, item);
  }

  /**
   * An app card's two controls, as on Miro: the open icon (`app_card:open`) and the status
   * (`app_card:connect` when it is disconnected), each a button of its own.
   */
  private drawAppCardControls(element: HTMLElement, item: SdkItem): void {
    let bar = element.querySelector<HTMLElement>(':scope > .app-card-controls');
    if (!bar) {
      bar = document.createElement('div');
      bar.className = 'app-card-controls';
      const button = (action: 'open' | 'connect') => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = `app-card-${action}`;
        b.addEventListener('pointerdown', (event) => event.stopPropagation());
        b.addEventListener('click', (event) => {
          event.stopPropagation();
          this.onAppCard(element.dataset.itemId ?? '', action);
        });
        return b;
      };
      const open = button('open');
      open.textContent = '↗';
      bar.append(button('connect'), open);
      element.append(bar);
    }
    const title = plainText(item.title) || 'app card';
    const status = item.status ?? 'disconnected';
    const connect = bar.querySelector<HTMLButtonElement>('.app-card-connect')!;
    connect.textContent = status;
    // Only a disconnected card asks to be connected.
    connect.disabled = status !== 'disconnected';
    connect.className = `app-card-connect status-${status.replace(/[^a-z]/g, '')}`;
    connect.setAttribute('aria-label', `Status of ${title}: ${status}${status === 'disconnected' ? ', connect' : ''}`);
    bar.querySelector('.app-card-open')?.setAttribute('aria-label', `Open ${title} in its app`);
  }

  /** Tag chips along the bottom of a card or sticky note, each in its tag colour; named in the label too. */
  private drawTags(element: HTMLElement, item: SdkItem): void {
    const tags = (item.tagIds ?? []).map((id) => this.tags.get(id)).filter((tag) => tag !== undefined);
    let list = element.querySelector<HTMLElement>(':scope > .item-tags');
    if (tags.length === 0) {
      list?.remove();
      return;
    }
    if (!list) {
      list = document.createElement('ul');
      list.className = 'item-tags';
      element.append(list);
    }
    list.replaceChildren(
      ...tags.map((tag) => {
        const chip = document.createElement('li');
        chip.className = `item-tag tag-${tag.color.replace(/[^a-z_]/g, '')}`;
        chip.textContent = tag.title;
        return chip;
      }),
    );
    const label = element.getAttribute('aria-label') ?? '';
    element.setAttribute('aria-label', `${label} (tags: ${tags.map((tag) => tag.title).join(', ')})`);
  }

  /** Click selects, shift-click adds or removes; Space does the same from the keyboard. */
  private clicked(id: string, shift: boolean): void {
    if (shift) this.toggle(id);
    else this.select([id], false);
  }

  private makeSelectable(element: HTMLElement, id: string): void {
    element.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      event.stopPropagation();
      this.clicked(id, event.shiftKey);
    });
    element.addEventListener('keydown', (event) => {
      if (event.target !== element || event.key !== ' ') return;
      event.preventDefault();
      this.clicked(id, event.shiftKey);
    });
  }

  private makeEditable(element: HTMLElement, id: string): void {
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'item-delete';
    remove.setAttribute('aria-label', 'Delete sticky note');
    remove.textContent = '×';
    remove.addEventListener('click', (event) => {
      event.stopPropagation();
      const item = this.items.get(id);
      if (item) this.actions.remove(item);
    });
    element.append(remove);

    element.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 || event.target === remove || element.querySelector('textarea')) return;
      event.stopPropagation();
      const item = this.items.get(id);
      if (!item) return;
      const start = { x: event.clientX, y: event.clientY, itemX: item.x, itemY: item.y };
      let dragging = false;
      element.setPointerCapture(event.pointerId);
      const move = (e: PointerEvent) => {
        const dx = e.clientX - start.x;
        const dy = e.clientY - start.y;
        if (!dragging && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
        dragging = true;
        this.busy.add(id);
        element.classList.add('dragging');
        const moved = { ...item, x: start.itemX + dx / this.zoom, y: start.itemY + dy / this.zoom };
        const b = this.box(moved);
        element.style.left = `${b.left}px`;
        element.style.top = `${b.top}px`;
      };
      const up = (e: PointerEvent) => {
        element.removeEventListener('pointermove', move);
        element.removeEventListener('pointerup', up);
        element.removeEventListener('pointercancel', up);
        element.classList.remove('dragging');
        this.busy.delete(id);
        if (!dragging) {
          this.clicked(id, e.shiftKey);
          return element.focus();
        }
        const x = Math.round(start.itemX + (e.clientX - start.x) / this.zoom);
        const y = Math.round(start.itemY + (e.clientY - start.y) / this.zoom);
        this.put([{ ...item, x, y }]);
        this.actions.move(item, x, y);
      };
      element.addEventListener('pointermove', move);
      element.addEventListener('pointerup', up);
      element.addEventListener('pointercancel', up);
    });

    element.addEventListener('dblclick', () => this.startEditing(element, id));
    element.addEventListener('keydown', (event) => {
      if (event.target !== element) return;
      const item = this.items.get(id);
      if (!item) return;
      const nudges: Record<string, [number, number]> = {
        ArrowLeft: [-NUDGE, 0],
        ArrowRight: [NUDGE, 0],
        ArrowUp: [0, -NUDGE],
        ArrowDown: [0, NUDGE],
      };
      const nudge = nudges[event.key];
      if (event.key === ' ') {
        event.preventDefault();
        this.clicked(id, event.shiftKey);
      } else if (event.key === 'Enter') {
        event.preventDefault();
        this.startEditing(element, id);
      } else if (event.key === 'Delete' || event.key === 'Backspace') {
        event.preventDefault();
        this.actions.remove(item);
      } else if (nudge) {
        event.preventDefault();
        const [dx, dy] = nudge;
        this.put([{ ...item, x: item.x + dx, y: item.y + dy }]);
        this.actions.move(item, item.x + dx, item.y + dy);
      }
    });
  }

  private startEditing(element: HTMLElement, id: string): void {
    const item = this.items.get(id);
    if (!item || element.querySelector('textarea')) return;
    this.busy.add(id);
    const editor = document.createElement('textarea');
    editor.className = 'item-editor';
    editor.value = plainText(item.content);
    editor.setAttribute('aria-label', 'Sticky note text');
    element.append(editor);
    editor.focus();
    let done = false;
    const finish = (save: boolean) => {
      if (done) return;
      done = true;
      editor.remove();
      this.busy.delete(id);
      if (save && editor.value !== plainText(item.content)) {
        this.put([{ ...item, content: editor.value }]);
        this.actions.edit(item, editor.value);
      }
      element.focus();
    };
    editor.addEventListener('blur', () => finish(true));
    editor.addEventListener('keydown', (event) => {
      event.stopPropagation();
      if (event.key === 'Escape') finish(false);
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) finish(true);
    });
    editor.addEventListener('pointerdown', (event) => event.stopPropagation());
  }

  /** Shift-drag on the canvas: selects every item the rectangle touches. */
  private rubberBand(event: PointerEvent): void {
    const box = this.canvas.getBoundingClientRect();
    const band = document.createElement('div');
    band.className = 'rubber-band';
    this.canvas.append(band);
    const start = { x: event.clientX - box.left, y: event.clientY - box.top };
    this.canvas.setPointerCapture(event.pointerId);
    const rect = (e: PointerEvent) => {
      const x = e.clientX - box.left;
      const y = e.clientY - box.top;
      return {
        left: Math.min(x, start.x),
        top: Math.min(y, start.y),
        width: Math.abs(x - start.x),
        height: Math.abs(y - start.y),
      };
    };
    const move = (e: PointerEvent) => {
      const r = rect(e);
      Object.assign(band.style, {
        left: `${r.left}px`,
        top: `${r.top}px`,
        width: `${r.width}px`,
        height: `${r.height}px`,
      });
    };
    const up = (e: PointerEvent) => {
      this.canvas.removeEventListener('pointermove', move);
      this.canvas.removeEventListener('pointerup', up);
      this.canvas.removeEventListener('pointercancel', up);
      band.remove();
      const r = rect(e);
      const left = (r.left - this.panX) / this.zoom;
      const top = (r.top - this.panY) / this.zoom;
      const right = left + r.width / this.zoom;
      const bottom = top + r.height / this.zoom;
      const hit = this.all()
        .filter((item) => item.type !== 'connector')
        .filter((item) => {
          const b = this.box(item);
          return b.left < right && b.left + b.width > left && b.top < bottom && b.top + b.height > top;
        })
        .map((item) => item.id);
      this.select(hit, true);
    };
    this.canvas.addEventListener('pointermove', move);
    this.canvas.addEventListener('pointerup', up);
    this.canvas.addEventListener('pointercancel', up);
  }

  private listenForPanAndZoom(): void {
    this.canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      if (event.shiftKey) return this.rubberBand(event);
      const start = { x: event.clientX, y: event.clientY, panX: this.panX, panY: this.panY };
      let moved = false;
      this.canvas.setPointerCapture(event.pointerId);
      this.canvas.classList.add('panning');
      const move = (e: PointerEvent) => {
        if (!moved && Math.hypot(e.clientX - start.x, e.clientY - start.y) < DRAG_THRESHOLD) return;
        moved = true;
        this.userMoved = true;
        this.panX = start.panX + e.clientX - start.x;
        this.panY = start.panY + e.clientY - start.y;
        this.applyView();
      };
      const up = () => {
        this.canvas.removeEventListener('pointermove', move);
        this.canvas.removeEventListener('pointerup', up);
        this.canvas.removeEventListener('pointercancel', up);
        this.canvas.classList.remove('panning');
        // A click on the empty canvas clears the selection.
        if (!moved) this.deselect();
      };
      this.canvas.addEventListener('pointermove', move);
      this.canvas.addEventListener('pointerup', up);
      this.canvas.addEventListener('pointercancel', up);
    });
    this.canvas.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const box = this.canvas.getBoundingClientRect();
        this.zoomBy(Math.exp(-event.deltaY / 500), { x: event.clientX - box.left, y: event.clientY - box.top });
      },
      { passive: false },
    );
    this.canvas.addEventListener('keydown', (event) => {
      if (event.target !== this.canvas) return;
      const step = 60;
      const pans: Record<string, [number, number]> = {
        ArrowLeft: [step, 0],
        ArrowRight: [-step, 0],
        ArrowUp: [0, step],
        ArrowDown: [0, -step],
      };
      const pan = pans[event.key];
      if (pan) {
        event.preventDefault();
        this.userMoved = true;
        this.panX += pan[0];
        this.panY += pan[1];
        this.applyView();
      } else if (event.key === 'Escape') this.deselect();
      else if (event.key === '+' || event.key === '=') this.zoomBy(1.25);
      else if (event.key === '-') this.zoomBy(0.8);
    });
  }
}
