// Recommendation impressions and clicks, reported to the shop so the
// dashboard can show click-through per surface. A list counts as shown once
// half of it has been on screen; a click is a shopper opening one of its
// products. Reports are batched and sent with sendBeacon, so leaving the page
// neither waits for them nor loses them.
import { ProductSummary } from './api';
import { strip } from './components';

export type Surface = 'for_you' | 'similar' | 'bought_together' | 'basket' | 'accessories';

export interface TrackedList {
  items: ProductSummary[];
  list_id?: string;  // the shop's id for the list it served; made here when absent
  surface: Surface;
}

type Report =
  | { type: 'impression'; list_id: string; surface: Surface; items: number }
  | { type: 'click'; list_id: string; surface: Surface; item_id: string; position: number };

const ENDPOINT = '/api/v1/recommendations/feedback';
const MAX_BATCH = 100;  // the shop's limit per request
let queue: Report[] = [];
let timer: number | undefined;

function newListId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return 'wl_' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function flush(): void {
  if (timer !== undefined) { clearTimeout(timer); timer = undefined; }
  while (queue.length) {
    const events = queue.slice(0, MAX_BATCH);
    queue = queue.slice(MAX_BATCH);
    const body = JSON.stringify({ events });
    const sent = typeof navigator.sendBeacon === 'function'
      && navigator.sendBeacon(ENDPOINT, new Blob([body], { type: 'application/json' }));
    if (!sent) {
      void fetch(ENDPOINT, { method: 'POST', body, headers: { 'Content-Type': 'application/json' }, keepalive: true })
        .catch(() => { /* a lost report only lowers the counts */ });
    }
  }
}

function report(r: Report): void {
  queue.push(r);
  if (queue.length >= MAX_BATCH) flush();
  else if (timer === undefined) timer = window.setTimeout(flush, 1000);
}

addEventListener('pagehide', flush);
addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });

// A recommendation strip (components.strip) that reports its impression
// once it is half visible and a click on any of its products.
export function trackedStrip(title: string, list: TrackedList, cls = 'strip'): HTMLElement | null {
  const el = strip(title, list.items, cls);
  if (!el) return null;
  const listId = list.list_id ?? newListId();
  const shown = list.items.length;
  el.dataset.listId = listId;
  el.dataset.surface = list.surface;
  let seen = false;
  const seenNow = () => {
    if (seen) return;
    seen = true;
    report({ type: 'impression', list_id: listId, surface: list.surface, items: shown });
  };
  if (typeof IntersectionObserver === 'function') {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { seenNow(); observer.disconnect(); }
    }, { threshold: 0.5 });
    observer.observe(el);
  } else {
    seenNow();
  }
  // Cards are the row's children, in the list's order.
  const row = el.querySelector('.strip-row');
  el.addEventListener('click', (e) => {
    const target = e.target as Element | null;
    if (!row || !target?.closest('a')) return;
    const card = Array.from(row.children).find((c) => c.contains(target));
    if (!card) return;
    const position = Array.prototype.indexOf.call(row.children, card) as number;
    const item = list.items[position];
    if (!item) return;
    seenNow();  // clicked means shown, even if the observer had not fired yet
    report({ type: 'click', list_id: listId, surface: list.surface, item_id: item.sku, position });
    flush();  // the click usually leaves the page
  });
  return el;
}

// The shopper's own events for the recommender: a product page viewed. Orders
// are recorded by the shop itself when they are placed. A signed-in shopper
// is their account ("acct:<id>", as the shop records their orders); anyone
// else a random visitor id kept in this browser.
function visitorId(): string {
  const key = 'atelier.visitor';
  try {
    let id = localStorage.getItem(key);
    if (!id) {
      id = newListId().replace('wl_', 'v:');
      localStorage.setItem(key, id);
    }
    return id;
  } catch {
    return 'v:anonymous';
  }
}

export function logView(sku: string, accountId: number | null): void {
  const event = {
    event_id: newListId().replace('wl_', 'view:'),
    type: 'view',
    user_id: accountId !== null ? `acct:${accountId}` : visitorId(),
    item_id: sku,
  };
  const body = JSON.stringify({ events: [event] });
  const sent = typeof navigator.sendBeacon === 'function'
    && navigator.sendBeacon('/api/v1/events', new Blob([body], { type: 'application/json' }));
  if (!sent) void fetch('/api/v1/events', { method: 'POST', body, headers: { 'Content-Type': 'application/json' }, keepalive: true }).catch(() => {});
}
