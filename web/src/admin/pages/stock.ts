// Catalog stock by location: a tile per location (units held), then the
// stock units of the chosen location, searchable by title or SKU; each
// unit's quantity is set in place (POST /api/v1/admin/stock), with the
// shop's answer next to the field.
import { adminApi, Location, StockItem, StockPage } from '../api';
import { count, h } from '../dom';
import { clearErrors, field, loading, notice, showError } from '../ui';

const PER_PAGE = 25;

function configurationText(c: StockItem['configuration']): string {
  if (c === null) return '';
  if (typeof c === 'string') return c;
  return Object.entries(c).map(([k, v]) => `${k.replace(/_/g, ' ')}: ${String(v).replace(/_/g, ' ')}`).join(' · ');
}

// The quantity cell of a stock line: the units, a field to set them, and
// the shop's refusal (negative, not a whole number) under the field.
function unitsEditor(item: StockItem): HTMLElement {
  const input = h('input', { type: 'text', inputmode: 'numeric', name: 'units', value: String(item.quantity), size: 6, autocomplete: 'off', style: 'width:6rem' });
  const units = field(`Units of ${item.product.sku} at ${item.location ?? 'this location'}`, input, 'units');
  units.wrap.querySelector('label')?.classList.add('visually-hidden');
  const shown = h('span', { class: item.quantity === 0 ? 'qty zero' : item.quantity < 3 ? 'qty low' : 'qty' }, count(item.quantity));
  const saved = h('span', { class: 'muted saved', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'ghost' }, 'Set');
  const form = h('form', { class: 'units-editor', style: 'display:flex;gap:.5rem;align-items:flex-start;justify-content:flex-end', 'aria-label': `Set the units of ${item.product.title}` },
    shown, units.wrap, submit, saved);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    saved.textContent = '';
    const text = input.value.trim();
    // The shop checks the value; text that is not a number goes as text so
    // that its refusal names the field.
    const value = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    submit.disabled = true;
    try {
      const row = await adminApi<StockItem>('/api/v1/admin/stock', {
        method: 'POST',
        body: JSON.stringify({ stock_unit_id: item.stock_unit_id, units: value }),
      });
      item.quantity = row.quantity;
      shown.textContent = count(row.quantity);
      shown.className = row.quantity === 0 ? 'qty zero' : row.quantity < 3 ? 'qty low' : 'qty';
      input.value = String(row.quantity);
      saved.textContent = 'Saved';
    } catch (err) {
      showError(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function typeLabel(type: string): string {
  return ({ distribution_centre: 'Distribution centre', dealer: 'Dealer', plant: 'Plant', store: 'Store' } as Record<string, string>)[type] ?? type;
}

export async function renderStock(main: HTMLElement): Promise<void> {
  main.append(h('h1', {}, 'Stock by location'));
  const status = loading('Loading locations…');
  main.append(status);
  let locations: Location[] = [];
  try {
    locations = (await adminApi<{ locations: Location[] }>('/api/v1/admin/locations')).locations;
  } catch (err) {
    status.remove();
    showError(main, err);
    return;
  }
  status.remove();

  const state = { location: '', q: '', page: 1 };
  const tiles = h('div', { class: 'tiles', role: 'group', 'aria-label': 'Filter by location' });
  const select = h('select', { name: 'location' }, h('option', { value: '' }, 'All locations'),
    ...locations.map((l) => h('option', { value: l.code }, `${l.name} (${l.code})`)));
  const search = h('input', { type: 'search', name: 'q', placeholder: 'Title or SKU, e.g. controller', autocomplete: 'off' });
  const locationField = field('Location', select, 'location');
  const searchField = field('Product', search, 'q');
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': 'Filter stock' },
    locationField.wrap, searchField.wrap, h('button', { type: 'submit' }, 'Show stock'));
  const summary = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const tableWrap = h('div', { class: 'table-wrap' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Stock pages' });

  for (const l of locations) {
    const tile = h('button', { type: 'button', class: 'tile', 'data-code': l.code, 'aria-pressed': 'false' },
      h('span', { class: 'tile-kind' }, typeLabel(l.type), l.region ? ` · ${l.region}` : ''),
      h('strong', {}, l.name),
      h('span', { class: 'tile-figure' }, count(l.units), h('small', {}, ' units')),
      h('span', { class: 'tile-sub' }, `${count(l.stock_rows)} stock lines · ${l.code}`));
    tile.addEventListener('click', () => {
      state.location = state.location === l.code ? '' : l.code;
      select.value = state.location;
      state.page = 1;
      void load();
    });
    tiles.append(tile);
  }
  main.append(tiles, form, summary, tableWrap, pager);

  async function load(): Promise<void> {
    clearErrors(main);
    for (const t of tiles.querySelectorAll<HTMLButtonElement>('.tile')) t.setAttribute('aria-pressed', String(t.dataset.code === state.location));
    const params = new URLSearchParams({ page: String(state.page), per_page: String(PER_PAGE) });
    if (state.location) params.set('location', state.location);
    if (state.q) params.set('q', state.q);
    tableWrap.replaceChildren(loading('Loading stock…'));
    let page: StockPage;
    try {
      page = await adminApi<StockPage>(`/api/v1/admin/stock?${params}`);
    } catch (err) {
      tableWrap.replaceChildren();
      showError(form, err, tableWrap);
      return;
    }
    const where = state.location ? locations.find((l) => l.code === state.location)?.name ?? state.location : 'all locations';
    summary.textContent = `${count(page.total)} stock lines, ${count(page.units)} units at ${where}${state.q ? ` matching “${state.q}”` : ''}.`;
    if (page.items.length === 0) {
      tableWrap.replaceChildren(notice('No stock matches. Try another location or search.'));
      pager.replaceChildren();
      return;
    }
    const rows = page.items.map((item) => h('tr', {},
      h('td', {}, h('a', { href: `/products/${item.product.id}`, target: '_blank', rel: 'noopener' }, item.product.title), h('div', { class: 'sku' }, item.product.sku)),
      h('td', {}, item.location_name ?? '', h('div', { class: 'sku' }, item.location ?? '')),
      h('td', { class: 'config' }, configurationText(item.configuration) || h('span', { class: 'muted' }, 'standard')),
      h('td', { class: 'num' }, unitsEditor(item))));
    tableWrap.replaceChildren(h('table', { class: 'data' },
      h('caption', { class: 'visually-hidden' }, `Stock at ${where}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Product'), h('th', { scope: 'col' }, 'Location'),
        h('th', { scope: 'col' }, 'Configuration'), h('th', { scope: 'col', class: 'num' }, 'Units'))),
      h('tbody', {}, rows)));
    const pages = Math.max(1, Math.ceil(page.total / page.per_page));
    const prev = h('button', { type: 'button', class: 'ghost', disabled: state.page <= 1 }, '← Previous');
    const next = h('button', { type: 'button', class: 'ghost', disabled: state.page >= pages }, 'Next →');
    prev.addEventListener('click', () => { state.page -= 1; void load(); });
    next.addEventListener('click', () => { state.page += 1; void load(); });
    pager.replaceChildren(prev, h('span', {}, `Page ${state.page} of ${count(pages)}`), next);
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    state.location = select.value;
    state.q = search.value.trim();
    state.page = 1;
    void load();
  });
  select.addEventListener('change', () => form.requestSubmit());
  await load();
}
