// Shared storefront pieces: product cards, grids, images with a fallback.
import { ProductModel, ProductSummary, Selections, formatMoney } from './api';
import { describeConfiguration, personalizationParts, uploadUrl } from './configuration';
import { h, tileColour } from './dom';

export function productImage(p: { title: string; images?: string[]; image?: string | null; category?: { slug: string } }, cls = 'thumb'): HTMLElement {
  const fallback = () =>
    h('div', { class: `${cls} tile`, style: `background:${tileColour(p.category?.slug ?? p.title)}`, 'aria-hidden': 'true' },
      h('span', {}, p.title.split(/\s+/).slice(0, 2).map((w) => w[0]).join('').toUpperCase()));
  const src = p.images?.[0] ?? p.image;
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

// A configured item's picks: the first few inline, all of them behind "All
// choices" when there are more; the shopper's words, and a thumbnail of each
// picture they uploaded.
export function configurationSummary(model: ProductModel | undefined | null, selections: Selections, personalization?: Record<string, string>, shown = 5): HTMLElement {
  const picks = describeConfiguration(model, selections);
  const parts = personalizationParts(model, personalization);
  const words = parts.filter((p) => !p.upload_id).map((p) => p.text);
  const pictures = parts.filter((p) => p.upload_id);
  return h('div', { class: 'config-summary' },
    h('p', { class: 'line-config' }, picks.slice(0, shown).join(' · ')),
    words.length ? h('p', { class: 'line-config words' }, words.join(' · ')) : null,
    pictures.map((p) => pictureThumb(p.upload_id!, p.label, p.text)),
    picks.length > shown ? h('details', { class: 'all-choices' }, h('summary', {}, `All ${picks.length} choices`),
      h('ul', {}, picks.map((p) => h('li', {}, p)))) : null);
}

// An uploaded picture, small, with its words beside it. Only its owner's
// session reads it back; when it cannot be shown the words stay.
export function pictureThumb(uploadId: string, label: string, text: string): HTMLElement {
  const img = h('img', { src: uploadUrl(uploadId), alt: `Your picture for ${label}`, width: 56, height: 56, loading: 'lazy', decoding: 'async' });
  img.addEventListener('error', () => img.remove());
  return h('figure', { class: 'picture-thumb' }, img, h('figcaption', { class: 'line-config' }, text));
}
