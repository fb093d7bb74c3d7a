// The cart: lines with quantities, remove, problems shown on their line, the
// subtotal, and the way to checkout. Prices always come from the server.
import { api, send, ApiError, Cart, CartLine, formatMoney } from '../api';
import { h, clear } from '../dom';
import { knownProduct, noteCart } from '../session';
import { configureUrl, loadModels } from '../configuration';
import { configurationSummary } from '../components';
import { trackedStrip, TrackedList } from '../tracking';
import type { PageContext } from '../main';

export async function renderCart(ctx: PageContext): Promise<void> {
  document.title = 'Your cart · Atelier';
  let cart = await api<Cart>('/api/v1/cart');
  let models = await loadModels(cart.lines.flatMap((l) => (l.configured ? [l.configured.model_id] : [])));
  noteCart(cart);
  const status = h('p', { class: 'visually-hidden', role: 'status' });

  // "Complete your cart": what is bought together with its items (the shop
  // leaves out what the cart already holds), fetched again when lines change.
  let completion: TrackedList | null = null;
  let completionFor = '';
  async function loadCompletion(): Promise<void> {
    const skus = cart.lines.filter((l) => !l.configured).map((l) => l.sku);
    const key = skus.slice().sort().join(',');
    if (key === completionFor) return;
    completionFor = key;
    completion = skus.length ? await send<TrackedList>('POST', '/api/v1/recommendations/basket', { items: skus, k: 6 }).catch(() => null) : null;
    if (completionFor === key) {
      ctx.main.querySelector('.cart-completion')?.replaceWith(completionStrip());
    }
  }
  function completionStrip(): HTMLElement {
    return (completion?.items.length ? trackedStrip('Complete your cart', completion, 'strip cart-completion') : null)
      ?? h('div', { class: 'cart-completion', hidden: true });
  }

  function draw(): void {
    void loadCompletion();
    clear(ctx.main);
    noteCart(cart);
    if (!cart.lines.length) {
      ctx.main.append(h('h1', { tabindex: '-1' }, 'Your cart'), status,
        h('div', { class: 'notice' }, h('p', {}, 'Your cart is empty.'), h('a', { class: 'button primary', href: '/', 'data-link': true }, 'Keep shopping')));
      return;
    }
    const blocked = cart.lines.some((l) => l.problem);
    ctx.main.append(
      h('h1', { tabindex: '-1' }, 'Your cart'), status,
      h('div', { class: 'cart-layout' },
        h('ul', { class: 'cart-lines', 'aria-label': 'Items in your cart' }, cart.lines.map(lineItem)),
        h('aside', { class: 'cart-summary', 'aria-label': 'Order summary' },
          h('p', { class: 'sum-row' }, h('span', {}, `Subtotal (${cart.item_count} item${cart.item_count === 1 ? '' : 's'})`), h('strong', { class: 'subtotal' }, formatMoney(cart.subtotal))),
          h('p', { class: 'hint' }, 'Shipping is free. Custom items are built to order for you; their delivery date is on the order page.'),
          blocked ? h('p', { class: 'field-error' }, 'Fix or remove the items marked below to check out.') : null,
          blocked ? h('button', { type: 'button', class: 'button primary wide', disabled: true }, 'Checkout')
            : h('a', { class: 'button primary wide', href: '/checkout', 'data-link': true }, 'Checkout'))),
      completionStrip());
  }

  async function change(line: CartLine, quantity: number, focusAfter?: string): Promise<void> {
    try {
      cart = quantity <= 0 ? await send<Cart>('DELETE', `/api/v1/cart/items/${line.id}`)
        : await send<Cart>('PATCH', `/api/v1/cart/items/${line.id}`, { quantity });
      draw();
      status.textContent = quantity <= 0 ? `${titleOf(line)} removed from your cart.` : `Quantity of ${titleOf(line)} is now ${quantity}.`;
      if (focusAfter) (document.getElementById(focusAfter) as HTMLElement | null)?.focus();
      else (ctx.main.querySelector('h1') as HTMLElement | null)?.focus();
    } catch (e) {
      const el = document.getElementById(`line-err-${line.id}`);
      if (el) el.textContent = e instanceof ApiError ? e.message : 'That did not work. Try again.';
    }
  }

  function titleOf(l: CartLine): string {
    return l.configured ? `${models.get(l.configured.model_id)?.name ?? l.title}, configured` : l.title;
  }

  function lineItem(l: CartLine): HTMLElement {
    const title = titleOf(l);
    const qtyId = `qty-${l.id}`;
    const qty = h('input', { type: 'number', id: qtyId, min: 1, max: 99, value: l.quantity, inputmode: 'numeric', class: 'qty',
      onchange: () => {
        const n = Math.round(Number(qty.value));
        if (!isFinite(n) || n < 1) { qty.value = String(l.quantity); return; }
        void change(l, n, qtyId);
      } });
    const cfg = l.configured;
    return h('li', { class: `cart-line${l.problem ? ' has-problem' : ''}` },
      h('div', { class: 'line-main' },
        h('h2', { class: 'line-title' }, cfg ? models.get(cfg.model_id)?.name ?? l.title
          : knownProduct(l.sku)?.id ? h('a', { href: `/p/${knownProduct(l.sku)!.id}`, 'data-link': true }, l.title) : l.title),
        cfg ? configurationSummary(models.get(cfg.model_id), cfg.selections, cfg.personalization) : h('p', { class: 'line-config' }, `SKU ${l.sku}`),
        cfg ? h('p', { class: 'line-source' }, cfg.stock_unit_id ? 'From stock' : 'Built to order',
          ' · ', h('a', { href: configureUrl(cfg.model_id, cfg.selections, cfg.personalization ?? {}), 'data-link': true }, 'Change configuration')) : null,
        l.problem ? h('p', { class: 'line-problem', role: 'alert' }, l.problem) : null,
        h('p', { class: 'field-error', id: `line-err-${l.id}`, role: 'alert' })),
      h('div', { class: 'line-qty' },
        h('label', { for: qtyId }, 'Quantity'),
        h('div', { class: 'stepper' },
          h('button', { type: 'button', class: 'button small', 'aria-label': `One fewer: ${title}`, disabled: l.quantity <= 1, onclick: () => void change(l, l.quantity - 1, qtyId) }, '−'),
          qty,
          h('button', { type: 'button', class: 'button small', 'aria-label': `One more: ${title}`, onclick: () => void change(l, l.quantity + 1, qtyId) }, '+')),
        h('button', { type: 'button', class: 'linkish remove', onclick: () => void change(l, 0) }, 'Remove', h('span', { class: 'visually-hidden' }, ` ${title}`))),
      h('div', { class: 'line-price' },
        h('strong', {}, formatMoney(l.line_total)),
        l.quantity > 1 ? h('span', { class: 'each' }, `${formatMoney(l.unit_price)} each`) : null));
  }

  draw();
}
