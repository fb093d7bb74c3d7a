// Search results and category pages: facets, "did you mean", the accessories
// strip, sorting and pagination. Every filter lives in the URL.
import { api, SearchResponse, formatMoney } from '../api';
import { h, clear } from '../dom';
import { productGrid } from '../components';
import { trackedStrip } from '../tracking';
import { navigate, PageContext } from '../main';

export async function renderSearch(ctx: PageContext): Promise<void> {
  const q = ctx.query.get('q') ?? '';
  const category = ctx.params.category ?? ctx.query.get('category') ?? '';
  const params = new URLSearchParams();
  params.set('q', q);
  if (category) params.set('category', category);
  for (const k of ['brand', 'min_price', 'max_price', 'sort', 'page']) {
    const v = ctx.query.get(k);
    if (v) params.set(k, v);
  }
  params.set('per_page', '24');
  const res = await api<SearchResponse>(`/api/v1/search?${params}`);
  const input = document.getElementById('q') as HTMLInputElement;
  if (input && document.activeElement !== input) input.value = q;

  const base = ctx.params.category ? `/c/${ctx.params.category}` : '/search';
  const link = (changes: Record<string, string | null>) => {
    const u = new URLSearchParams(ctx.query);
    if (ctx.params.category) u.delete('category');
    if (q && !ctx.params.category) u.set('q', q);
    for (const [k, v] of Object.entries(changes)) (v === null ? u.delete(k) : u.set(k, v));
    if (!('page' in changes)) u.delete('page');
    const s = u.toString();
    return s ? `${base}?${s}` : base;
  };

  const catName = res.facets.category?.find((c) => c.slug === category)?.name ?? ctx.categories.find((c) => c.slug === category)?.name;
  const heading = ctx.params.category ? catName ?? 'Category' : q ? `Results for “${q}”` : 'All products';
  document.title = `${heading} · Atelier`;

  clear(ctx.main);
  const sort = ctx.query.get('sort') ?? 'relevance';
  const sortSelect = h('select', { id: 'sort', onchange: (e: Event) => navigate(link({ sort: (e.target as HTMLSelectElement).value })) },
    ...[['relevance', 'Best match'], ['price_asc', 'Price: low to high'], ['price_desc', 'Price: high to low'], ['newest', 'Newest']].map(([v, l]) =>
      h('option', { value: v, selected: v === sort }, l)));

  const facetBox = h('aside', { class: 'facets', 'aria-label': 'Filters' });
  if (res.facets.category?.length) {
    facetBox.append(h('h3', {}, 'Category'), h('ul', {}, res.facets.category.map((c) =>
      h('li', {}, h('a', { href: ctx.params.category ? `/c/${c.slug}${q ? `?q=${encodeURIComponent(q)}` : ''}` : link({ category: c.slug }), 'data-link': true, 'aria-current': c.slug === category ? 'true' : undefined },
        c.name, h('span', { class: 'count' }, String(c.count)))))));
  }
  if (res.facets.brand?.length) {
    const chosen = ctx.query.get('brand');
    facetBox.append(h('h3', {}, 'Brand'), h('ul', {}, res.facets.brand.slice(0, 12).map((b) =>
      h('li', {}, h('a', { href: link({ brand: chosen === b.name ? null : b.name }), 'data-link': true, 'aria-current': chosen === b.name ? 'true' : undefined },
        b.name, h('span', { class: 'count' }, String(b.count)))))));
  }
  if (res.facets.price?.length) {
    facetBox.append(h('h3', {}, 'Price'), h('ul', {}, res.facets.price.filter((p) => p.count > 0).map((p) => {
      const min = (p.min.amount / 100).toFixed(2), max = p.max ? (p.max.amount / 100).toFixed(2) : null;
      const label = p.max ? `${formatMoney(p.min)} – ${formatMoney(p.max)}` : `${formatMoney(p.min)} and up`;
      return h('li', {}, h('a', { href: link({ min_price: min, max_price: max }), 'data-link': true }, label, h('span', { class: 'count' }, String(p.count))));
    })));
  }
  const active = ['brand', 'min_price', 'max_price'].filter((k) => ctx.query.get(k));
  if (active.length) facetBox.append(h('a', { class: 'clear-filters', href: link({ brand: null, min_price: null, max_price: null }), 'data-link': true }, 'Clear filters'));

  const page = res.page, pages = Math.max(1, Math.ceil(res.total / res.per_page));
  const pager = pages > 1 ? h('nav', { class: 'pager', 'aria-label': 'Pages' },
    page > 1 ? h('a', { href: link({ page: String(page - 1) }), 'data-link': true }, '‹ Previous') : null,
    h('span', {}, `Page ${page} of ${pages}`),
    page < pages ? h('a', { href: link({ page: String(page + 1) }), 'data-link': true }, 'Next ›') : null) : null;

  ctx.main.append(
    h('div', { class: 'results-head' },
      h('h1', {}, heading),
      h('span', { class: 'total' }, `${res.total.toLocaleString()} ${res.total === 1 ? 'product' : 'products'}`),
      h('label', { class: 'sort' }, 'Sort by ', sortSelect)),
    res.suggestion ? h('p', { class: 'did-you-mean' }, 'Did you mean ', h('a', { href: `/search?q=${encodeURIComponent(res.suggestion)}`, 'data-link': true }, res.suggestion), '?') : '',
    trackedStrip('Often bought with these', { items: res.accessories ?? [], surface: 'accessories' }, 'strip accessories') ?? '',
    h('div', { class: 'results' }, facetBox,
      h('section', { class: 'result-list', 'aria-label': 'Results' },
        res.items.length ? productGrid(res.items) : h('p', { class: 'empty' }, 'Nothing matches. Try fewer words or clear the filters.'),
        pager)),
  );
}
