// The production board: orders in each step of their lifecycle (placed, in
// production, built, shipped) with the action that moves each one on, who
// and where each ships to, and the pictures shoppers uploaded to be printed.
import { adminApi, apiKey, describe, Order, OrderPage } from '../api';
import { h, money } from '../dom';
import { loading, notice, showError } from '../ui';

const COLUMNS: { status: string; title: string; hint: string }[] = [
  { status: 'placed', title: 'Placed', hint: 'Paid, waiting to be built or shipped' },
  { status: 'in_production', title: 'In production', hint: 'Being built at the plant' },
  { status: 'built', title: 'Built', hint: 'Ready to ship' },
  { status: 'shipped', title: 'Shipped', hint: 'On the way to the shopper' },
];

interface Action { to: string; label: string }

// The next step of `order`, as the order book allows it.
function nextAction(order: Order): Action | null {
  switch (order.status) {
    case 'placed':
      return order.fulfilment === 'build_to_order' ? { to: 'in_production', label: 'Start production' } : { to: 'shipped', label: 'Ship from stock' };
    case 'in_production':
      return { to: 'built', label: 'Mark built' };
    case 'built':
      return { to: 'shipped', label: 'Ship' };
    case 'shipped':
      return { to: 'delivered', label: 'Mark delivered' };
    default:
      return null;
  }
}

function lineSummary(order: Order): string {
  return order.lines.map((l) => `${l.quantity} × ${l.configured?.model_id ? `${l.configured.model_id} (configured)` : l.sku}`).join(', ');
}

// "Ada Lovelace · Austin, TX 78701, US" for a card: the state is what a
// packer needs beside the city in the US, Canada and Australia.
function shipsTo(order: Order): string {
  const a = order.shipping;
  if (!a) return '';
  const place = [[a.city, a.state].filter(Boolean).join(', '), a.postal_code].filter(Boolean).join(' ');
  return [a.name, place || a.line1].filter(Boolean).join(' · ') + (a.country ? `, ${a.country}` : '');
}

// The uploads named by an order's picture fields: their values are
// "upl_<32 hex>|<type>|<bytes>|<w>x<h>" (the server writes them).
function pictures(order: Order): { id: string; line: number; field: string; words: string }[] {
  const out: { id: string; line: number; field: string; words: string }[] = [];
  for (const l of order.lines) {
    for (const [field, value] of Object.entries(l.configured?.personalization ?? {})) {
      const [id, type, , size] = value.split('|');
      if (!/^upl_[0-9a-f]{32}$/.test(id ?? '')) continue;
      out.push({ id, line: l.line_no, field, words: `To print · ${(type ?? '').replace('image/', '').toUpperCase()} ${(size ?? '').replace('x', '×')}`.trim() });
    }
  }
  return out;
}

// A picture for the merchant: GET /api/v1/uploads/{id} with the key (an
// <img> cannot send it), shown from a blob URL freed once drawn.
function pictureThumb(id: string, alt: string): HTMLElement {
  const img = h('img', { alt, width: 48, height: 48, class: 'upload-thumb' });
  void (async () => {
    try {
      const res = await fetch(`/api/v1/uploads/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${apiKey() ?? ''}` } });
      if (!res.ok) throw new Error(String(res.status));
      const url = URL.createObjectURL(await res.blob());
      img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
      img.src = url;
    } catch {
      img.replaceWith(h('span', { class: 'help' }, 'picture unavailable'));
    }
  })();
  return img;
}

function dateOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
}

// "2026-12-06" as "Dec 6".
function day(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export async function renderOrders(main: HTMLElement): Promise<void> {
  main.append(h('h1', {}, 'Production board'),
    h('p', { class: 'muted' }, 'Orders move left to right. Build-to-order orders go through production; orders from stock ship directly.'));
  const status = h('div', { role: 'status', 'aria-live': 'polite', class: 'visually-hidden' });
  const board = h('div', { class: 'board' });
  main.append(status, board);

  async function load(focusOrder?: number): Promise<void> {
    board.replaceChildren(loading('Loading orders…'));
    let pages: OrderPage[];
    try {
      pages = await Promise.all(COLUMNS.map((c) => adminApi<OrderPage>(`/api/v1/admin/orders?status=${c.status}&per_page=50`)));
    } catch (err) {
      board.replaceChildren();
      showError(main, err, board);
      return;
    }
    board.replaceChildren(...COLUMNS.map((c, i) => column(c, pages[i])));
    if (focusOrder) board.querySelector<HTMLElement>(`[data-order="${focusOrder}"] button`)?.focus();
  }

  function column(c: (typeof COLUMNS)[number], page: OrderPage): HTMLElement {
    const headingId = `col-${c.status}`;
    return h('section', { class: 'column', 'data-status': c.status, 'aria-labelledby': headingId },
      h('header', {}, h('h2', { id: headingId }, c.title, h('span', { class: 'badge' }, String(page.total))), h('p', { class: 'help' }, c.hint)),
      page.items.length === 0 ? h('p', { class: 'empty' }, 'Nothing here.') :
        h('ol', { class: 'cards' }, page.items.map((o) => card(o))),
      page.total > page.items.length ? h('p', { class: 'help' }, `Showing the newest ${page.items.length} of ${page.total}.`) : null);
  }

  function card(order: Order): HTMLElement {
    const action = nextAction(order);
    const error = h('p', { class: 'field-error', role: 'alert' });
    const buttons: HTMLElement[] = [];
    const act = async (to: string, label: string, button: HTMLButtonElement) => {
      button.disabled = true;
      error.textContent = '';
      try {
        await adminApi(`/api/v1/admin/orders/${order.id}/transition`, { method: 'POST', body: JSON.stringify({ status: to, note: label }) });
        status.textContent = `Order ${order.id}: ${label.toLowerCase()}.`;
        await load(order.id);
      } catch (err) {
        error.textContent = describe(err);
        button.disabled = false;
      }
    };
    if (action) {
      const b = h('button', { type: 'button', class: 'small' }, action.label);
      b.setAttribute('aria-label', `${action.label}: order ${order.id}`);
      b.addEventListener('click', () => void act(action.to, action.label, b));
      buttons.push(b);
    }
    if (order.status === 'placed') {
      const cancel = h('button', { type: 'button', class: 'small ghost danger' }, 'Cancel');
      cancel.setAttribute('aria-label', `Cancel order ${order.id}`);
      cancel.addEventListener('click', () => {
        if (confirm(`Cancel order ${order.id}? The shopper is not charged.`)) void act('cancelled', 'Cancelled', cancel);
      });
      buttons.push(cancel);
    }
    const bto = order.fulfilment === 'build_to_order';
    const line = order.lines.find((l) => l.build_date);
    const pics = pictures(order);
    return h('li', { class: 'order-card', 'data-order': order.id },
      h('div', { class: 'order-top' }, h('strong', {}, `#${order.id}`),
        h('span', { class: `pill ${bto ? 'bto' : 'stock'}` }, bto ? 'Build to order' : 'From stock'),
        h('span', { class: 'amount' }, money(order.total.amount, order.total.currency))),
      h('p', { class: 'order-lines' }, lineSummary(order)),
      order.shipping ? h('p', { class: 'help ships-to' }, `To ${shipsTo(order)}`) : null,
      pics.length ? h('div', { class: 'order-pictures' }, pics.map((p) =>
        h('figure', {}, pictureThumb(p.id, `Picture to print (${p.field}) on line ${p.line} of order ${order.id}`), h('figcaption', { class: 'help' }, p.words)))) : null,
      h('p', { class: 'help' }, `Placed ${dateOf(order.created_at)}`, order.region ? ` · ${order.region}` : '',
        line?.build_date ? ` · build ${day(line.build_date)}` : '', order.expected_delivery_date ? ` · due ${day(order.expected_delivery_date)}` : ''),
      buttons.length ? h('div', { class: 'card-actions' }, buttons) : null,
      error);
  }

  await load();
  if (!board.querySelector('.order-card') && !board.querySelector('.notice')) {
    main.append(notice('No orders yet. Orders placed on the storefront appear here.'));
  }
}
