// One order: where it is on its way (placed → in production → built →
// shipped → delivered for what is built to order; placed → shipped →
// delivered from stock), when each step happened, the expected delivery date,
// what was ordered (with the shopper's own pictures), where it goes, and
// "Same as this order, but…" for configured items.
import { api, send, ApiError, Order, OrderLine, ShippingAddress, TrackingStep, formatDate, formatMoney, regions } from '../api';
import { addressLines } from '../forms';
import { h, clear } from '../dom';
import { configurationSummary } from '../components';
import { configureUrl, loadModels } from '../configuration';
import { currentAccount, knownProduct, loadSession } from '../session';
import { navigate, PageContext } from '../main';

const statusLabel: Record<string, string> = {
  placed: 'Placed', in_production: 'In production', built: 'Built', shipped: 'Shipped', delivered: 'Delivered', cancelled: 'Cancelled',
};
export function orderStatusLabel(s: string): string {
  return statusLabel[s] ?? s.replace(/_/g, ' ');
}

// The steps to show: the server's tracking list, or the full lifecycle with
// the events that happened when an older server sends no list.
function trackingOf(order: Order): TrackingStep[] {
  if (order.tracking?.length) return order.tracking;
  const all = ['placed', 'in_production', 'built', 'shipped', 'delivered'];
  return all.map((status) => {
    const e = order.events?.find((x) => x.status === status);
    return { status, done: !!e, at: e?.at ?? null };
  });
}

// "Same as this order, but…": the configurator starts from this line (the
// server re-checks it against today's model and says what no longer fits);
// the picks are in the link too, for when that is not possible.
export function sameButUrl(order: Order, line: OrderLine): string {
  const cfg = line.configured!;
  const base = configureUrl(cfg.model_id, cfg.selections, cfg.personalization);
  return `${base}${base.includes('?') ? '&' : '?'}from_order=${order.id}&line=${line.line_no}`;
}

export async function renderOrder(ctx: PageContext): Promise<void> {
  await loadSession();
  if (!currentAccount()) {
    navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
    return;
  }
  const order = await api<Order>(`/api/v1/orders/${encodeURIComponent(ctx.params.id)}`);
  const models = await loadModels(order.lines.flatMap((l) => (l.configured ? [l.configured.model_id] : [])));
  document.title = `Order #${order.id} · Atelier`;
  clear(ctx.main);

  const cancelled = order.status === 'cancelled';
  const steps = trackingOf(order);
  const current = steps.reduce((c, s, i) => (s.done ? i : c), -1);
  const tracker = h('ol', { class: `tracker steps-${steps.length}`, 'aria-label': 'Order progress' }, steps.map((s, i) =>
    h('li', { class: `${s.done ? 'done' : ''}${i === current ? ' current' : ''}${s.status === 'cancelled' ? ' cancelled' : ''}`, 'aria-current': i === current ? 'step' : undefined },
      h('span', { class: 'dot', 'aria-hidden': 'true' }, s.status === 'cancelled' ? '✕' : s.done ? '✓' : String(i + 1)),
      h('span', { class: 'step-name' }, orderStatusLabel(s.status)),
      h('span', { class: 'step-when' }, s.at !== null ? formatDate(s.at, true) : 'Not yet'),
      h('span', { class: 'visually-hidden' }, s.done ? ' (done)' : ' (to come)'))));
  const regionName = regions.find(([id]) => id === order.region)?.[1] ?? order.region;
  const expected = order.status === 'delivered' ? h('p', { class: 'expected' }, 'Delivered ', formatDate(steps.find((s) => s.status === 'delivered')?.at ?? ''))
    : cancelled ? h('p', { class: 'notice error' }, 'This order was cancelled.')
      : h('p', { class: 'expected' }, 'Expected delivery: ', h('strong', {}, order.expected_delivery_date ? formatDate(order.expected_delivery_date) : 'to be confirmed'),
        regionName ? ` · to ${regionName}` : '');

  ctx.main.append(
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '/account', 'data-link': true }, 'Your account'), ' › ', `Order #${order.id}`),
    ctx.query.get('placed') ? h('div', { class: 'notice ok', role: 'status' }, h('strong', {}, 'Thank you! Your order is placed.'), ' Follow it here, step by step.') : '',
    h('div', { class: 'order-head' },
      h('h1', {}, `Order #${order.id}`),
      h('span', { class: `status status-${order.status}` }, orderStatusLabel(order.status))),
    expected,
    tracker,
    h('div', { class: 'order-body' },
      h('section', { 'aria-labelledby': 'items-h' },
        h('h2', { id: 'items-h' }, 'Items'),
        h('ul', { class: 'cart-lines' }, order.lines.map((l) => {
          const cfg = l.configured;
          const model = cfg ? models.get(cfg.model_id) : undefined;
          const remembered = cfg ? null : knownProduct(l.sku);
          const known = !cfg && l.product_id ? { id: l.product_id, title: l.title ?? remembered?.title } : remembered;
          const title = `${l.quantity} × ${model?.name ?? l.title ?? cfg?.model_id ?? known?.title ?? l.sku}`;
          return h('li', { class: 'cart-line' },
            h('div', { class: 'line-main' },
              h('h3', { class: 'line-title' }, known?.id ? h('a', { href: `/p/${known.id}`, 'data-link': true }, title) : title),
              cfg ? configurationSummary(model, cfg.selections, cfg.personalization) : h('p', { class: 'line-config' }, `SKU ${l.sku}`),
              h('p', { class: 'line-source' }, l.fulfilment === 'build_to_order' ? 'Built to order for you' : 'From stock',
                l.delivery_date ? ` · arrives ${formatDate(l.delivery_date)}` : ''),
              cfg ? h('a', { class: 'button same-but', href: sameButUrl(order, l), 'data-link': true }, 'Same as this order, but…')
                : known?.id ? h('a', { class: 'button buy-again', href: `/p/${known.id}`, 'data-link': true }, 'Buy it again') : null),
            h('div', { class: 'line-price' }, h('strong', {}, formatMoney(l.line_total)),
              l.quantity > 1 ? h('span', { class: 'each' }, `${formatMoney(l.unit_price)} each`) : null));
        }))),
      h('aside', { class: 'cart-summary' },
        h('h2', {}, 'Summary'),
        h('p', { class: 'sum-row' }, h('span', {}, 'Total'), h('strong', {}, formatMoney(order.total))),
        order.shipping ? shipTo(order.shipping) : null,
        h('p', { class: 'hint' }, `Placed ${formatDate(order.created_at, true)}`),
        order.payment_status ? h('p', { class: 'hint' }, order.payment_status === 'pending' ? 'Payment is taken when it ships.' : `Payment ${order.payment_status}.`) : null,
        order.status === 'placed' ? cancelBox(order, () => void renderOrder(ctx)) : null)),
  );
}

// Who and where the order goes, as a label would read (addressLines: the
// state with the city in the US, Canada and Australia).
function shipTo(a: ShippingAddress): HTMLElement {
  return h('section', { class: 'ship-to', 'aria-labelledby': 'ship-to-h' },
    h('h3', { id: 'ship-to-h' }, 'Delivering to'),
    h('p', { class: 'address' }, addressLines(a).join('\n')));
}

// "Cancel this order" while nothing has been built or shipped, with a
// confirmation step.
function cancelBox(order: Order, done: () => void): HTMLElement {
  const box = h('div', { class: 'cancel-box' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const ask = h('button', { type: 'button', class: 'button subtle', onclick: () => {
    clear(box);
    const yes = h('button', { type: 'button', class: 'button danger', onclick: async () => {
      yes.disabled = true;
      try {
        await send('POST', `/api/v1/orders/${order.id}/cancel`, {});
        done();
      } catch (e) {
        error.textContent = e instanceof ApiError ? e.message : 'The order could not be cancelled. Try again.';
        yes.disabled = false;
      }
    } }, 'Yes, cancel it');
    box.append(h('p', {}, `Cancel order #${order.id}? Nothing is charged.`),
      h('div', { class: 'repair-actions' }, yes, h('button', { type: 'button', class: 'button subtle', onclick: () => { clear(box); box.append(ask); ask.focus(); } }, 'Keep it')), error);
    yes.focus();
  } }, 'Cancel this order');
  box.append(ask);
  return box;
}
