// Shared storefront pieces: product cards, grids, images with a fallback.
import { ProductSummary, formatMoney } from './api';
import { h, tileColour } from './dom';

export function productImage(p: { title: string; images?: string[]; category?: { slug: string } }, cls = 'thumb'): HTMLElement {
  const fallback = () =>
    h('div', { class: `${cls} tile`, style: `background:${tileColour(p.category?.slug ?? p.title)}`, 'aria-hidden': 'true' },
      h('span', {}, p.title.split(/\s+/).slice(0, 2).map((w) => w[0]).join('').toUpperCase()));
  const src = p.images?.[0];
  if (!src) return fallback();
  const img = h('img', { class: cls, src, alt: '', loading: 'lazy', width: 240, height: 240 });
  img.addEventListener('error', () => img.replaceWith(fallback()));
  return img;
}

export function productCard(p: ProductSummary): HTMLElement {
  const stock = p.total_stock;
  return h('article', { class: 'card' },
    h('a', { href: `/p/${p.id}`, 'data-link': true, class: 'card-link' },
      productImage(p),
      h('div', { class: 'card-body' },
        h('span', { class: 'brand' }, p.brand),
        h('h3', { class: 'title' }, p.title),
        h('div', { class: 'card-foot' },
          h('span', { class: 'price' }, p.model_id ? `from ${formatMoney(p.price)}` : formatMoney(p.price)),
          p.model_id ? h('span', { class: 'badge custom' }, 'Customizable')
            : stock === 0 ? h('span', { class: 'badge out' }, 'Out of stock') : null),
        p.reason ? h('p', { class: 'reason' }, p.reason) : null)));
}

export function productGrid(items: ProductSummary[]): HTMLElement {
  return h('div', { class: 'grid' }, items.map(productCard));
}

export function strip(title: string, items: ProductSummary[], cls = 'strip'): HTMLElement | null {
  if (!items?.length) return null;
  return h('section', { class: cls, 'aria-label': title }, h('h2', {}, title), h('div', { class: 'strip-row' }, items.map(productCard)));
}
