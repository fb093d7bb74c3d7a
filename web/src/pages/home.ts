import { api, ModelSummary, SearchResponse, formatMoney } from '../api';
import { h, clear, tileColour } from '../dom';
import { productGrid } from '../components';
import { currentAccount, loadSession } from '../session';
import { trackedStrip, TrackedList } from '../tracking';
import type { PageContext } from '../main';

export async function renderHome(ctx: PageContext): Promise<void> {
  const [newest, models, forYou] = await Promise.all([
    // The home page still opens when one of its strips cannot load.
    api<SearchResponse>('/api/v1/search?q=&sort=newest&per_page=60').catch(() => null),
    api<{ items: ModelSummary[] }>('/api/v1/models').catch(() => ({ items: [] as ModelSummary[] })),
    // The signed-in shopper's own list (the shop answers from the session);
    // trending for everyone else.
    loadSession().then(() => api<TrackedList>('/api/v1/recommendations?k=8')).catch(() => null),
  ]);
  const signedIn = currentAccount() !== null;
  clear(ctx.main);
  document.title = 'Atelier';
  ctx.main.append(
    h('section', { class: 'hero' },
      h('h1', {}, 'Everything you need, and the things only you would design'),
      h('p', {}, 'Shop thousands of products, or configure an SUV, engrave a tablet, print your own candy and build shoes in your exact size.'),
      h('a', { class: 'button primary hero-cta', href: '/personal-shopper', 'data-link': true }, 'Ask the personal shopper')),
    forYou?.items.length ? trackedStrip(signedIn ? 'Recommended for you' : 'Trending now', forYou) ?? '' : '',
    models.items.length ? h('section', { 'aria-labelledby': 'design-h' },
      h('h2', { id: 'design-h' }, 'Design your own'),
      h('div', { class: 'model-grid' }, models.items.map((m) =>
        h('a', { href: `/configure/${m.id}`, 'data-link': true, class: 'model-tile', style: `background:${tileColour(m.id)}` },
          h('span', { class: 'name' }, m.name),
          h('span', { class: 'count' }, `from ${formatMoney(m.base_price)} · ${m.option_count} options${m.personalization_count ? ' · personalized' : ''}`),
          h('span', { class: 'go' }, 'Configure →'))))) : '',
    h('section', { 'aria-label': 'Shop by category' },
      h('h2', {}, 'Shop by category'),
      h('div', { class: 'category-grid' }, ctx.categories.map((c) =>
        h('a', { href: `/c/${c.slug}`, 'data-link': true, class: 'category-tile', style: `background:${tileColour(c.slug)}` },
          h('span', { class: 'name' }, c.name),
          c.product_count !== undefined ? h('span', { class: 'count' }, `${c.product_count.toLocaleString()} products`) : null)))),
    newest?.items.length ? h('section', { 'aria-label': 'New arrivals' }, h('h2', {}, 'New arrivals'), productGrid(varied(newest.items, 12))) : '',
  );
}

// Up to `n` of `items` (newest first) with one product per product line
// (the title before its variant, "Sony DualSense Wireless Controller – Red"
// and "– Blue" being one) and at most two per category, so that a batch of
// colour variants added together does not fill the whole shelf.
export function varied<T extends { title: string; brand: string; category?: { slug: string } }>(items: T[], n: number): T[] {
  const lines = new Set<string>();
  const perCategory = new Map<string, number>();
  const out: T[] = [];
  for (const item of items) {
    const line = `${item.brand}|${item.title.split(/ [–-] |, /)[0].toLowerCase()}`;
    const category = item.category?.slug ?? '';
    if (lines.has(line) || (perCategory.get(category) ?? 0) >= 2) continue;
    lines.add(line);
    perCategory.set(category, (perCategory.get(category) ?? 0) + 1);
    out.push(item);
    if (out.length === n) return out;
  }
  // Too few distinct lines: fill up with the rest, newest first.
  for (const item of items) {
    if (out.length === n) break;
    if (!out.includes(item)) out.push(item);
  }
  return out;
}
