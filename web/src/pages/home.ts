import { api, CategoryNode, ModelSummary, SearchResponse, formatMoney } from '../api';
import { h, clear, tileColour } from '../dom';
import { productGrid } from '../components';
import { currentAccount, loadSession } from '../session';
import { trackedStrip, TrackedList } from '../tracking';
import type { PageContext } from '../main';

export async function renderHome(ctx: PageContext): Promise<void> {
  const [newest, models, forYou] = await Promise.all([
    // The home page still opens when one of its strips cannot load.
    api<SearchResponse>('/api/v1/search?q=&sort=newest&per_page=100').catch(() => null),
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
    newest?.items.length ? h('section', { 'aria-label': 'New arrivals' }, h('h2', {}, 'New arrivals'), productGrid(varied(newest.items, 12, departments(ctx.categories)))) : '',
  );
}

// Each category's top-level department, by slug.
function departments(tree: CategoryNode[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (node: CategoryNode, top: string) => {
    out.set(node.slug, top);
    for (const child of node.children ?? []) walk(child, top);
  };
  for (const top of tree) walk(top, top.slug);
  return out;
}

// A product's line: brand and title before its variant ("… – Red, 12-inch").
function lineOf(item: { title: string; brand: string }): string {
  return `${item.brand}|${item.title.split(/ [–-] |, /)[0].toLowerCase()}`;
}

// Up to `n` of `items` (newest first) with one product per product line
// (the title before its variant, "Sony DualSense Wireless Controller – Red"
// and "– Blue" being one) and at most two per department, so that a batch
// of colour variants, or one department's many new lines, do not fill the
// whole shelf.
export function varied<T extends { title: string; brand: string; category?: { slug: string } }>(
  items: T[], n: number, department: Map<string, string>): T[] {
  const lines = new Set<string>();
  const perCategory = new Map<string, number>();
  const out: T[] = [];
  for (const item of items) {
    const line = lineOf(item);
    const slug = item.category?.slug ?? '';
    const category = department.get(slug) ?? slug;
    if (lines.has(line) || (perCategory.get(category) ?? 0) >= 2) continue;
    lines.add(line);
    perCategory.set(category, (perCategory.get(category) ?? 0) + 1);
    out.push(item);
    if (out.length === n) return out;
  }
  // Too few departments: more lines of the same ones, then, with too few
  // lines, the rest, newest first.
  for (const distinct of [true, false]) {
    for (const item of items) {
      if (out.length === n) return out;
      const line = lineOf(item);
      if (out.includes(item) || (distinct && lines.has(line))) continue;
      lines.add(line);
      out.push(item);
    }
  }
  return out;
}
