import { api, send, ApiError, Cart, ProductDetail, formatMoney, attributeList } from '../api';
import { currentAccount, loadSession, noteCart, rememberProducts } from '../session';
import { h, clear } from '../dom';
import { productImage } from '../components';
import { logView, trackedStrip, TrackedList } from '../tracking';
import type { PageContext } from '../main';

const typeLabel: Record<string, string> = {
  distribution_centre: 'Distribution centre', dealer: 'Dealer', plant: 'Plant', store: 'Store',
};

export async function renderProduct(ctx: PageContext): Promise<void> {
  const p = await api<ProductDetail>(`/api/v1/products/${ctx.params.id}`);
  document.title = `${p.title} · Atelier`;
  void loadSession().then(() => logView(p.sku, currentAccount()?.id ?? null)).catch(() => {});
  clear(ctx.main);
  const stock = (p.stock ?? []).filter((s) => s.quantity > 0 && !s.configuration);
  const total = p.total_stock ?? stock.reduce((n, s) => n + s.quantity, 0);
  const crumbs = (p.category_path ?? []).map((c) => h('a', { href: `/c/${c.slug}`, 'data-link': true }, c.name));
  const attrs = attributeList(p.attributes);
  ctx.main.append(
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, ...crumbs.flatMap((c, i) => (i ? [' › ', c] : [c]))),
    h('div', { class: 'product' },
      h('div', { class: 'gallery' }, productImage({ ...p, category: p.category_path?.[p.category_path.length - 1] }, 'hero-img')),
      h('div', { class: 'buybox' },
        h('span', { class: 'brand' }, p.brand),
        h('h1', {}, p.title),
        h('p', { class: 'price big' }, p.model_id ? `from ${formatMoney(p.price)}` : formatMoney(p.price)),
        p.model_id
          ? h('a', { class: 'button primary', href: `/configure/${p.model_id}`, 'data-link': true }, 'Configure yours')
          : total > 0 ? h('p', { class: 'in-stock' }, `In stock · ${total} available`) : h('p', { class: 'out' }, 'Out of stock everywhere'),
        !p.model_id && total > 0 ? addToCart(p, Math.min(total, 99)) : null,
        h('p', { class: 'description' }, p.description),
        attrs.length ? h('table', { class: 'attrs' }, h('caption', {}, 'Details'), h('tbody', {}, attrs.map(([k, v]) =>
          h('tr', {}, h('th', { scope: 'row' }, k.replace(/_/g, ' ')), h('td', {}, v))))) : null,
        stock.length ? h('details', { class: 'stock' }, h('summary', {}, 'Where it is in stock'), h('ul', {}, stock.map((s) =>
          h('li', {}, `${s.location.name} (${typeLabel[s.location.type] ?? s.location.type}, ${s.location.region}): ${s.quantity}`)))) : null)),
  );
  const recs = await Promise.allSettled([
    api<TrackedList>(`/api/v1/products/${p.id}/recommendations?kind=bought-together&k=8`),
    api<TrackedList>(`/api/v1/products/${p.id}/recommendations?kind=similar&k=8`),
  ]);
  if (recs[0].status === 'fulfilled') ctx.main.append(trackedStrip('Frequently bought together', recs[0].value) ?? '');
  if (recs[1].status === 'fulfilled') ctx.main.append(trackedStrip('Similar items', recs[1].value) ?? '');
}

// Quantity and "Add to cart" for a standard product.
function addToCart(p: ProductDetail, max: number): HTMLElement {
  const sku = p.sku;
  const qty = h('input', { type: 'number', id: 'add-qty', min: 1, max, value: 1, inputmode: 'numeric', class: 'qty' });
  const msg = h('p', { class: 'add-msg', role: 'status' });
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Add to cart');
  return h('form', { class: 'add-to-cart', onsubmit: async (e: Event) => {
    e.preventDefault();
    const quantity = Math.round(Number(qty.value));
    msg.className = 'add-msg';
    if (!isFinite(quantity) || quantity < 1) {
      msg.textContent = 'Choose a quantity of at least 1.';
      msg.classList.add('bad');
      qty.focus();
      return;
    }
    button.disabled = true;
    rememberProducts([{ sku, title: p.title, id: p.id }]);
    try {
      noteCart(await send<Cart>('POST', '/api/v1/cart/items', { sku, quantity }));
      clear(msg);
      msg.append('Added to your cart. ', h('a', { href: '/cart', 'data-link': true }, 'View cart'));
      msg.classList.add('ok');
    } catch (err) {
      msg.textContent = err instanceof ApiError ? err.message : 'Could not add it to the cart. Try again.';
      msg.classList.add('bad');
    } finally {
      button.disabled = false;
    }
  } }, h('label', { for: 'add-qty' }, 'Quantity'), qty, button, msg);
}
