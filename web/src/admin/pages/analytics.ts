// Analytics: sales over time by category, build-to-order vs in-stock share,
// top bought-together pairs, option popularity per model, and what the event
// log says about recommendations. Each chart says where its figures come from.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, ChartConfiguration, DoughnutController, Legend,
  LinearScale, Tooltip,
} from 'chart.js';
import {
  adminApi, FulfilmentStats, OptionStats, Pairs, RecommendationStats, Sales,
} from '../api';
import { compactMoney, count, h, money, percent } from '../dom';
import { clearErrors, field, loading, notice, showError } from '../ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip, DoughnutController, ArcElement);
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.color = '#4b5563';
Chart.defaults.animation = false;

const PALETTE = ['#2563eb', '#c2410c', '#15803d', '#7c3aed', '#0891b2', '#ca8a04', '#db2777', '#64748b'];
const MAX_CATEGORIES = 7;

function canvas(label: string): HTMLCanvasElement {
  return h('canvas', { role: 'img', 'aria-label': label, class: 'chart' });
}

// Creates a chart in `box`, destroying the one it held before.
const charts = new WeakMap<HTMLElement, Chart>();
function draw(box: HTMLElement, label: string, config: ChartConfiguration): void {
  charts.get(box)?.destroy();
  const c = canvas(label);
  box.replaceChildren(c);
  const chart = new Chart(c, { ...config, options: { responsive: true, maintainAspectRatio: false, ...config.options } });
  charts.set(box, chart);
  c.dataset.rendered = 'true';
}

function card(title: string, id: string, ...children: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

function source(text: string): HTMLElement {
  return h('p', { class: 'source' }, 'Source: ', text);
}

export async function renderAnalytics(main: HTMLElement): Promise<void> {
  main.append(h('h1', {}, 'Analytics'));
  const grid = h('div', { class: 'analytics' });
  main.append(grid);
  const sales = h('div', { class: 'wide' });
  const fulfilment = h('div');
  const recs = h('div');
  const pairs = h('div', { class: 'wide' });
  const options = h('div', { class: 'wide' });
  grid.append(sales, fulfilment, recs, pairs, options);
  await Promise.all([
    salesChart(sales), fulfilmentChart(fulfilment), recommendationStats(recs), pairsChart(pairs), optionCharts(options),
  ]);
}

// --- sales -------------------------------------------------------------------

async function salesChart(root: HTMLElement): Promise<void> {
  const days = h('select', { name: 'days' }, ...[30, 90, 180, 365].map((d) => h('option', { value: d, selected: d === 90 }, `${d} days`)));
  const src = h('select', { name: 'source' }, h('option', { value: 'all' }, 'Orders and event history'),
    h('option', { value: 'orders' }, 'Orders placed in the shop'), h('option', { value: 'events' }, 'Event history only'));
  const metric = h('select', { name: 'metric' }, h('option', { value: 'revenue' }, 'Revenue'), h('option', { value: 'units' }, 'Units'));
  const controls = h('form', { class: 'toolbar compact', 'aria-label': 'Sales chart settings' },
    field('Period', days, 'days').wrap, field('Source', src, 'source').wrap, field('Show', metric, 'metric').wrap);
  const box = h('div', { class: 'chart-box tall' }, loading());
  const totals = h('p', { class: 'totals' });
  const sourceNote = h('div');
  root.append(card('Sales over time by category', 'sales-title', controls, totals, box, sourceNote));
  let data: Sales | null = null;

  function paint(): void {
    if (!data) return;
    const d = data;
    const chosen = d.series.filter((s) => src.value === 'all' || s.source === src.value);
    const byCategory = new Map<string, number[]>();
    for (const s of chosen) {
      const values = metric.value === 'units' ? s.units : s.revenue;
      const acc = byCategory.get(s.category) ?? new Array(d.dates.length).fill(0);
      values.forEach((v, i) => { acc[i] += v; });
      byCategory.set(s.category, acc);
    }
    // The biggest categories by name, the rest as "Other categories".
    const ranked = [...byCategory.entries()].sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0));
    const shown = ranked.slice(0, MAX_CATEGORIES);
    const rest = ranked.slice(MAX_CATEGORIES);
    if (rest.length) {
      shown.push([`Other categories (${rest.length})`, d.dates.map((_, i) => rest.reduce((sum, [, v]) => sum + v[i], 0))]);
    }
    // Weeks instead of days past four months keep the bars readable.
    const step = d.dates.length > 120 ? 7 : 1;
    const labels: string[] = [];
    for (let i = 0; i < d.dates.length; i += step) labels.push(label(d.dates[i], step));
    const bucket = (values: number[]) => labels.map((_, j) => values.slice(j * step, j * step + step).reduce((a, b) => a + b, 0));
    const sum = chosen.reduce((acc, s) => acc + (metric.value === 'units' ? s.units : s.revenue).reduce((a, b) => a + b, 0), 0);
    totals.replaceChildren(h('strong', {}, metric.value === 'units' ? `${count(sum)} units` : money(sum, d.currency)),
      ` from ${label(d.from, 1)} to ${label(d.to, 1)}${step === 7 ? ' (by week)' : ''}`);
    if (shown.length === 0) {
      charts.get(box)?.destroy();
      box.replaceChildren(notice('No sales in this period from this source.'));
      return;
    }
    draw(box, `Stacked bar chart of ${metric.value} per ${step === 7 ? 'week' : 'day'} by category`, {
      type: 'bar',
      data: { labels, datasets: shown.map(([name, values], i) => ({ label: name, data: bucket(values), backgroundColor: PALETTE[i % PALETTE.length], stack: 's' })) },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { maxTicksLimit: 12, maxRotation: 0 } },
          y: { stacked: true, ticks: { callback: (v) => (metric.value === 'units' ? count(Number(v)) : compactMoney(Number(v), d.currency)) } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${metric.value === 'units' ? count(Number(ctx.raw)) : money(Number(ctx.raw), d.currency)}` } },
        },
      },
    });
    sourceNote.replaceChildren(...d.sources.map((s) => source(`${s.source === 'orders' ? 'Orders' : 'Event history'}: ${s.description} — ${money(s.revenue.amount, s.revenue.currency)}, ${count(s.units)} units in this period.`)));
  }

  async function load(): Promise<void> {
    box.replaceChildren(loading());
    try {
      data = await adminApi<Sales>(`/api/v1/admin/analytics/sales?days=${days.value}`);
      paint();
    } catch (err) {
      box.replaceChildren();
      showError(controls, err, box);
    }
  }
  days.addEventListener('change', () => void load());
  src.addEventListener('change', paint);
  metric.addEventListener('change', paint);
  await load();
}

function label(date: string, step: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  const text = d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return step === 7 ? `wk ${text}` : text;
}

// --- fulfilment --------------------------------------------------------------

async function fulfilmentChart(root: HTMLElement): Promise<void> {
  const box = h('div', { class: 'chart-box' }, loading());
  const figures = h('dl', { class: 'facts' });
  root.append(card('Build to order vs in stock', 'fulfilment-title', box, figures));
  try {
    const f = await adminApi<FulfilmentStats>('/api/v1/admin/analytics/fulfilment');
    const { stock, build_to_order: bto } = f.by_fulfilment;
    figures.replaceChildren(
      h('dt', {}, 'Built to order'), h('dd', {}, `${count(bto.orders)} orders (${percent(bto.share)}) · ${money(bto.revenue.amount, bto.revenue.currency)}`),
      h('dt', {}, 'From stock'), h('dd', {}, `${count(stock.orders)} orders (${percent(stock.share)}) · ${money(stock.revenue.amount, stock.revenue.currency)}`));
    root.querySelector('section')?.append(source(f.source));
    if (f.total_orders === 0) {
      box.replaceChildren(notice('No orders yet: the split appears with the first order.'));
      box.classList.add('short');
      return;
    }
    draw(box, `Doughnut chart: ${percent(bto.share)} of orders built to order, ${percent(stock.share)} from stock`, {
      type: 'doughnut',
      data: { labels: ['Built to order', 'From stock'], datasets: [{ data: [bto.orders, stock.orders], backgroundColor: [PALETTE[1], PALETTE[0]], cutout: '55%' } as never] },
      options: { plugins: { legend: { position: 'bottom' } } },
    });
  } catch (err) {
    box.replaceChildren();
    showError(root, err, box);
  }
}

// --- recommendations ----------------------------------------------------------

// What the shop reports about recommendation lists the storefront showed
// (admin/api.ts's RecommendationStats plus the impression figures).
interface Tally { lists: number; items_shown: number; clicks: number; click_through: number | null }
interface RecommendationReport extends RecommendationStats {
  impressions: Tally;
  click_through: number | null;
  by_surface: Record<string, Tally>;
  daily: { day: string; items_shown: number; clicks: number; click_through: number | null }[];
}

const SURFACES: Record<string, string> = {
  for_you: 'For you', similar: 'Similar items', bought_together: 'Bought together', basket: 'Cart completion',
  accessories: 'Search accessories',
};

async function recommendationStats(root: HTMLElement): Promise<void> {
  const body = h('div', {}, loading());
  root.append(card('Recommendations and shopper activity', 'recs-title', body));
  try {
    const r = await adminApi<RecommendationReport>('/api/v1/admin/analytics/recommendations');
    const tile = (name: string, key: string) => h('div', { class: 'stat' }, h('span', {}, name), h('strong', {}, count(r.events[key]?.events ?? 0)),
      h('small', {}, `${count(r.events[key]?.users ?? 0)} shoppers`));
    const ctr = (x: number | null) => (x === null ? '—' : percent(x));
    const chartBox = h('div', { class: 'chart-box ctr' });
    const surfaces = Object.entries(r.by_surface ?? {});
    body.replaceChildren(
      h('div', { class: 'stats' },
        h('div', { class: 'stat' }, h('span', {}, 'Recommended items shown'), h('strong', {}, count(r.impressions?.items_shown ?? 0)),
          h('small', {}, `in ${count(r.impressions?.lists ?? 0)} lists`)),
        h('div', { class: 'stat' }, h('span', {}, 'Clicks'), h('strong', {}, count(r.impressions?.clicks ?? 0)),
          h('small', {}, `click-through ${ctr(r.click_through)}`)),
        tile('Views', 'view'), tile('Add to cart', 'cart'), tile('Purchases', 'purchase'), tile('Searches', 'search')),
      r.impressions_measured && surfaces.length
        ? h('div', { class: 'table-wrap ctr' }, h('table', { class: 'data' },
          h('caption', {}, 'Click-through by where the list was shown'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Surface'), h('th', { scope: 'col', class: 'num' }, 'Lists'),
            h('th', { scope: 'col', class: 'num' }, 'Items shown'), h('th', { scope: 'col', class: 'num' }, 'Clicks'),
            h('th', { scope: 'col', class: 'num' }, 'Click-through'))),
          h('tbody', {}, surfaces.map(([name, t]) => h('tr', {}, h('th', { scope: 'row' }, SURFACES[name] ?? name),
            h('td', { class: 'num' }, count(t.lists)), h('td', { class: 'num' }, count(t.items_shown)),
            h('td', { class: 'num' }, count(t.clicks)), h('td', { class: 'num' }, ctr(t.click_through)))))))
        : h('p', { class: 'notice info' }, 'No recommendation impressions reported yet: they appear once shoppers see the storefront\'s recommendation strips.'),
      r.impressions_measured && r.daily?.length ? chartBox : '',
      h('dl', { class: 'facts' },
        h('dt', {}, 'View → cart'), h('dd', {}, r.view_to_cart === null ? '—' : percent(r.view_to_cart)),
        h('dt', {}, 'Cart → purchase'), h('dd', {}, r.cart_to_purchase === null ? '—'
          : r.cart_to_purchase > 1 ? 'not meaningful: more purchases than add-to-cart events are logged' : percent(r.cart_to_purchase)),
        h('dt', {}, 'Recommender'), h('dd', {}, r.recommender.loaded
          ? `serving (${r.recommender.for_you}, ${count(r.recommender.items ?? 0)} items, ${count(r.recommender.users ?? 0)} shoppers)`
          : 'not trained yet: popularity and bought-together tables answer')),
      source(r.note));
    if (r.impressions_measured && r.daily?.length) {
      draw(chartBox, `Bar chart of recommended items shown and clicked per day over ${r.daily.length} days`, {
        type: 'bar',
        data: {
          labels: r.daily.map((d) => d.day.slice(5)),
          datasets: [
            { label: 'Items shown', data: r.daily.map((d) => d.items_shown), backgroundColor: PALETTE[0], borderRadius: 3 },
            { label: 'Clicks', data: r.daily.map((d) => d.clicks), backgroundColor: PALETTE[1], borderRadius: 3 },
          ],
        },
        options: {
          scales: { y: { ticks: { precision: 0 } }, x: { grid: { display: false } } },
          plugins: { tooltip: { callbacks: { footer: (items) => `click-through ${ctr(r.daily[items[0].dataIndex].click_through)}` } } },
        },
      });
    }
  } catch (err) {
    body.replaceChildren();
    showError(root, err, body);
  }
}

// --- bought together ----------------------------------------------------------

function short(text: string, max = 34): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

async function pairsChart(root: HTMLElement): Promise<void> {
  const box = h('div', { class: 'chart-box pairs' }, loading());
  const sourceNote = h('div');
  root.append(card('Top bought-together pairs', 'pairs-title', box, sourceNote));
  try {
    const p = await adminApi<Pairs>('/api/v1/admin/analytics/bought-together?limit=12');
    sourceNote.replaceChildren(source(`${p.source}; ${count(p.baskets)} baskets.`));
    if (p.pairs.length === 0) {
      box.replaceChildren(notice('No baskets with two or more products yet.'));
      return;
    }
    draw(box, `Horizontal bar chart of the ${p.pairs.length} product pairs bought together most often`, {
      type: 'bar',
      data: {
        labels: p.pairs.map((x) => [short(x.a.title, 46), `+ ${short(x.b.title, 46)}`]),
        datasets: [{ label: 'Baskets with both', data: p.pairs.map((x) => x.baskets), backgroundColor: PALETTE[0], borderRadius: 3 }],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { ticks: { precision: 0 } }, y: { ticks: { autoSkip: false, font: { size: 11 } }, grid: { display: false } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: {
            title: (items) => { const x = p.pairs[items[0].dataIndex]; return `${x.a.title} + ${x.b.title}`; },
            label: (ctx) => { const x = p.pairs[ctx.dataIndex]; return `${count(x.baskets)} baskets · ${percent(x.confidence)} of the rarer item's baskets`; },
          } },
        },
      },
    });
  } catch (err) {
    box.replaceChildren();
    showError(root, err, box);
  }
}

// --- option popularity ---------------------------------------------------------

async function optionCharts(root: HTMLElement): Promise<void> {
  const select = h('select', { name: 'model' });
  const controls = h('form', { class: 'toolbar compact', 'aria-label': 'Option popularity settings' }, field('Product model', select, 'model').wrap);
  const summary = h('p', { class: 'totals' });
  const gridBox = h('div', { class: 'option-grid' }, loading());
  root.append(card('Option popularity per model', 'options-title', controls, summary, gridBox,
    source('configured order lines (units ordered) and configured units in stock at dealers and other locations.')));

  async function load(model: string): Promise<void> {
    clearErrors(controls);
    gridBox.replaceChildren(loading());
    try {
      const o = await adminApi<OptionStats>(`/api/v1/admin/analytics/options${model ? `?model=${encodeURIComponent(model)}` : ''}`);
      if (select.options.length === 0) {
        select.append(...o.models.map((m) => h('option', { value: m.id }, m.name || m.id)));
      }
      select.value = o.model.id;
      summary.replaceChildren(h('strong', {}, o.model.name), ` · ${count(o.ordered_units)} units ordered · ${count(o.stock_units)} configured units in stock`);
      if (o.ordered_units === 0 && o.stock_units === 0) {
        gridBox.replaceChildren(notice(`No configured orders or stock of ${o.model.name} yet.`));
        return;
      }
      gridBox.replaceChildren();
      for (const opt of o.options) {
        const chosen = opt.values.filter((v) => v.ordered + v.in_stock > 0);
        if (chosen.length === 0) continue;
        const box = h('div', { class: 'chart-box small' });
        gridBox.append(h('figure', { class: 'option-chart' }, h('figcaption', {}, opt.label || opt.id), box));
        draw(box, `Bar chart: how often each ${opt.label || opt.id} was chosen`, {
          type: 'bar',
          data: {
            labels: chosen.map((v) => short(v.label || v.id, 18)),
            datasets: [
              { label: 'Ordered', data: chosen.map((v) => v.ordered), backgroundColor: PALETTE[1], borderRadius: 3 },
              { label: 'In stock', data: chosen.map((v) => v.in_stock), backgroundColor: PALETTE[0], borderRadius: 3 },
            ],
          },
          options: {
            scales: { y: { ticks: { precision: 0 } }, x: { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 45 } } },
            plugins: { legend: { position: 'bottom', labels: { boxWidth: 10 } } },
          },
        });
      }
    } catch (err) {
      gridBox.replaceChildren();
      showError(controls, err, gridBox);
    }
  }
  select.addEventListener('change', () => void load(select.value));
  // The SUV is the model with the most to show; a shop without one starts at its first model.
  await load('suv');
  if (gridBox.querySelector('.field-error, .notice.error') || root.querySelector('[aria-invalid]')) await load('');
}
