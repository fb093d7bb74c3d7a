// The personal shopper: must-haves (field, operator, value), nice-to-haves
// with a weight, and a budget. Matches are products in stock or
// configurations made to order, each with how it meets every must-have; when
// nothing does, the relaxations the shop offers, each applied with one click.
import { send, ApiError, ShopperCheck, ShopperFindRequest, ShopperFindResult, ShopperMatch, ShopperOp, ShopperRelaxation, ShopperValue, formatMoney } from '../api';
import { h, clear } from '../dom';
import { configurationSummary, productImage } from '../components';
import { configureUrl, loadModels } from '../configuration';
import type { ProductModel } from '../api';
import type { PageContext } from '../main';
import { renderAskStylist, renderStyleRequest } from './styling';

const ops: [ShopperOp, string][] = [
  ['=', 'is (=)'], ['in', 'is one of (in)'], ['<=', 'at most (≤)'], ['>=', 'at least (≥)'], ['<', 'under (<)'], ['>', 'over (>)'],
];
const weights: [number, string][] = [[1, 'Nice (1)'], [2, 'Important (2)'], [3, 'Very important (3)']];

// What a shopper can ask about, by category: shoes have sizes and heels.
const shoeFields: [string, string, string[]][] = [
  ['size', 'Size (US)', ['7', '8', '9', '10', '10.5', '11', '11.5', '12', '13']],
  ['width', 'Width', ['N', 'M', 'W', 'XW']],
  ['heel_height_cm', 'Heel height (cm)', ['1', '2', '3', '5', '7']],
  ['material', 'Material', ['leather', 'suede', 'canvas', 'mesh', 'vegan leather']],
  ['colour', 'Colour', ['black', 'brown', 'tan', 'navy', 'white', 'red']],
  ['brand', 'Brand', []],
];
const anyFields: [string, string, string[]][] = [
  ['brand', 'Brand', []],
  ['colour', 'Colour', ['black', 'white', 'red', 'blue', 'green']],
  ['material', 'Material', []],
  ['size', 'Size', []],
];

// "heel_height_cm" -> "Heel height", for the lines under each match.
function fieldLabel(field: string): string {
  const known = [...shoeFields, ...anyFields].find(([id]) => id === field);
  const label = known ? known[1].replace(/\s*\(.*\)$/, '') : field.replace(/_/g, ' ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}

// The server's check text reads "heel_height_cm 1 cm ≤ 2 ✓": the mark is
// drawn from `ok`, and the field gets its label.
function checkText(c: ShopperCheck): string {
  let t = c.text.replace(/\s*[✓✗]\s*$/, '');
  if (t.startsWith(c.field)) t = fieldLabel(c.field) + t.slice(c.field.length);
  return t;
}

function checkList(checks: ShopperCheck[], cls: string, label: string): HTMLElement | null {
  if (!checks.length) return null;
  return h('ul', { class: `checks ${cls}`, 'aria-label': label }, checks.map((c) =>
    h('li', { class: c.ok ? 'ok' : 'bad' },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, c.ok ? '✓' : '✗'),
      h('span', { class: 'visually-hidden' }, c.ok ? 'Meets: ' : 'Misses: '),
      checkText(c))));
}

// "3" -> 3, "W" -> "W", "9, 9.5" -> [9, 9.5] for "in".
function parseValue(text: string, op: ShopperOp): ShopperValue {
  const one = (s: string): string | number => (/^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s.trim()) : s.trim());
  if (op === 'in') return text.split(',').map((s) => s.trim()).filter(Boolean).map(one);
  return one(text);
}

function valueText(v: ShopperValue | undefined): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : String(v);
}

// An API message names no subject ("must be a string"): the control's label
// gives it one.
function errorText(label: string, message: string): string {
  if (/^(must|is|needs|should) /.test(message)) return `${label} ${message}.`;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

let rowSeq = 0;

interface Control { input: HTMLInputElement | HTMLSelectElement; error: HTMLElement; label: string }

interface Row {
  el: HTMLElement;
  field: Control;
  op: Control;
  value: Control;
  weight?: Control;
}

export async function renderShopper(ctx: PageContext): Promise<void> {
  // One request to a human stylist: its picks, notes and messages.
  const styleRequest = ctx.query.get('request');
  if (styleRequest) return renderStyleRequest(ctx, styleRequest);
  document.title = 'Personal shopper · Atelier';
  clear(ctx.main);

  // ---- Controls with their own error lines ----
  function control(name: string, label: string, input: HTMLInputElement | HTMLSelectElement, cls = ''): [HTMLElement, Control] {
    input.id = `sh-${name}`;
    const error = h('p', { class: 'field-error', id: `${input.id}-error`, role: 'alert' });
    input.setAttribute('aria-describedby', error.id);
    input.addEventListener('input', () => { error.textContent = ''; input.removeAttribute('aria-invalid'); });
    const wrap = h('div', { class: `field ${cls}`.trim() }, h('label', { for: input.id }, label), input, error);
    return [wrap, { input, error, label }];
  }
  function fail(c: Control, message: string): void {
    c.error.textContent = message;
    c.input.setAttribute('aria-invalid', 'true');
  }

  // ---- Category and kind ----
  const wanted = ctx.query.get('category') ?? 'shoes';
  const categorySelect = h('select', {}, h('option', { value: '' }, 'Any category'));
  for (const c of ctx.categories) {
    categorySelect.append(h('option', { value: c.slug, selected: c.slug === wanted }, c.name));
    for (const sub of c.children ?? []) categorySelect.append(h('option', { value: sub.slug, selected: sub.slug === wanted }, `\u2003${sub.name}`));
  }
  if (!ctx.categories.length) categorySelect.append(h('option', { value: 'shoes', selected: true }, 'Shoes'));
  const [categoryWrap, category] = control('category', 'Category', categorySelect);
  const kindSelect = h('select', {},
    h('option', { value: 'any' }, 'In stock or made for me'),
    h('option', { value: 'product' }, 'In stock only'),
    h('option', { value: 'configuration' }, 'Made for me only'));
  const [kindWrap, kind] = control('kind', 'Show', kindSelect);

  // Field and value suggestions follow the category.
  const fieldList = h('datalist', { id: 'sh-fields' });
  const valueLists = h('div', { hidden: true });
  function suggestions(): [string, string, string[]][] {
    return categorySelect.value.startsWith('shoes') ? shoeFields : anyFields;
  }
  function fillSuggestions(): void {
    clear(fieldList);
    clear(valueLists);
    for (const [id, label, values] of suggestions()) {
      fieldList.append(h('option', { value: id }, label));
      valueLists.append(h('datalist', { id: `sh-values-${id}` }, values.map((v) => h('option', { value: v }))));
    }
  }
  categorySelect.addEventListener('change', fillSuggestions);
  fillSuggestions();

  // ---- Rows: must-haves and nice-to-haves ----
  const specRows: Row[] = [];
  const prefRows: Row[] = [];
  const specList = h('ol', { class: 'cond-rows', 'aria-label': 'Must-haves' });
  const prefList = h('ol', { class: 'cond-rows', 'aria-label': 'Nice-to-haves' });

  function addRow(preference: boolean, init: { field?: string; op?: ShopperOp; value?: ShopperValue; weight?: number } = {}, focus = false): Row {
    const n = ++rowSeq;
    const rows = preference ? prefRows : specRows;
    const what = preference ? 'nice-to-have' : 'must-have';
    const fieldInput = h('input', { type: 'text', list: 'sh-fields', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. size', value: init.field ?? '' });
    const [fieldWrap, field] = control(`f${n}`, 'Field', fieldInput, 'cond-field');
    const opSelect = h('select', {}, ops.map(([v, l]) => h('option', { value: v, selected: v === (init.op ?? '=') }, l)));
    const [opWrap, op] = control(`o${n}`, 'Condition', opSelect, 'cond-op');
    const valueInput = h('input', { type: 'text', autocomplete: 'off', value: valueText(init.value) });
    const [valueWrap, value] = control(`v${n}`, 'Value', valueInput, 'cond-value');
    // The value's suggestions and example follow the field.
    const linkValues = () => {
      const f = fieldInput.value.trim();
      valueInput.setAttribute('list', `sh-values-${f}`);
      const examples = suggestions().find(([id]) => id === f)?.[2] ?? [];
      const inList = (preference ? '=' : opSelect.value) === 'in';
      valueInput.placeholder = examples.length ? `e.g. ${inList ? examples.slice(0, 2).join(', ') : examples[Math.min(2, examples.length - 1)]}` : inList ? 'values, comma-separated' : '';
    };
    fieldInput.addEventListener('input', linkValues);
    opSelect.addEventListener('change', linkValues);
    linkValues();
    let weight: Control | undefined;
    let weightWrap: HTMLElement | null = null;
    if (preference) {
      const weightSelect = h('select', {}, weights.map(([v, l]) => h('option', { value: v, selected: v === (init.weight ?? 1) }, l)));
      [weightWrap, weight] = control(`w${n}`, 'Weight', weightSelect, 'cond-weight');
    }
    const remove = h('button', { type: 'button', class: 'button subtle small cond-remove', 'aria-label': `Remove this ${what}` }, 'Remove');
    const el = h('li', { class: `cond-row${preference ? ' pref' : ''}` }, fieldWrap, preference ? null : opWrap, valueWrap, weightWrap, remove);
    const row: Row = { el, field, op, value, weight };
    remove.addEventListener('click', () => {
      const at = rows.indexOf(row);
      rows.splice(at, 1);
      el.remove();
      // Focus stays nearby: the next row's field, or the add button.
      const next = rows[at] ?? rows[at - 1];
      (next ? next.field.input : (preference ? addPref : addSpec)).focus();
    });
    rows.push(row);
    (preference ? prefList : specList).append(el);
    if (focus) fieldInput.focus();
    return row;
  }

  const addSpec = h('button', { type: 'button', class: 'button small', onclick: () => addRow(false, {}, true) }, '+ Add a must-have');
  const addPref = h('button', { type: 'button', class: 'button small', onclick: () => addRow(true, {}, true) }, '+ Add a nice-to-have');

  // A first search that shows what the page does: shoes in a size.
  if (categorySelect.value.startsWith('shoes')) {
    addRow(false, { field: 'size', op: '=', value: '' });
    addRow(false, { field: 'width', op: '=', value: '' });
    addRow(true, { field: 'colour', value: '', weight: 2 });
  } else {
    addRow(false);
    addRow(true);
  }

  const budgetInput = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', placeholder: 'e.g. 200', class: 'budget-input' });
  const [budgetWrap, budget] = control('budget', 'Budget (US$)', budgetInput, 'budget');
  const general = h('p', { class: 'field-error form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Find it for me');

  const results = h('section', { class: 'shopper-results', 'aria-labelledby': 'sh-results-h', hidden: true });
  const status = h('p', { class: 'visually-hidden', role: 'status' });

  const form = h('form', { class: 'shopper-form', novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); void search(); } },
    h('div', { class: 'shopper-top' }, categoryWrap, kindWrap, budgetWrap),
    h('fieldset', { class: 'conds' },
      h('legend', {}, 'Must-haves'),
      h('p', { class: 'hint' }, 'Every match meets all of these. A row without a value is skipped; for “is one of”, separate the values with commas.'),
      specList, addSpec),
    h('fieldset', { class: 'conds' },
      h('legend', {}, 'Nice-to-haves'),
      h('p', { class: 'hint' }, 'Matches that meet more of these, by weight, come first.'),
      prefList, addPref),
    fieldList, valueLists,
    h('div', { class: 'shopper-submit' }, submit, general));

  ctx.main.append(
    h('div', { class: 'cfg-head' },
      h('h1', {}, 'Personal shopper'),
      h('p', { class: 'lede' }, 'Tell us what it must be, what you would like and what you want to spend. We look through everything in stock and every way we can make it for you, and show how each pick meets your specs.'),
      h('p', {}, h('a', { href: '#ask-stylist' }, 'Prefer a person? Ask a personal shopper'))),
    form, status, results, renderAskStylist());

  // ---- The request, and where each of its parts came from ----
  function allControls(): Control[] {
    return [category, kind, budget, ...[...specRows, ...prefRows].flatMap((r) => [r.field, r.op, r.value, ...(r.weight ? [r.weight] : [])])];
  }
  function clearErrors(): void {
    for (const c of allControls()) { c.error.textContent = ''; c.input.removeAttribute('aria-invalid'); }
    general.textContent = '';
  }

  interface Built { request: ShopperFindRequest; specs: Row[]; prefs: Row[] }
  function build(): Built | null {
    const request: ShopperFindRequest = { specs: [], preferences: [], limit: 12 };
    const specs: Row[] = [];
    const prefs: Row[] = [];
    let bad: Control | null = null;
    const mark = (c: Control, m: string) => { fail(c, m); bad ??= c; };
    for (const [rows, out, sent] of [[specRows, request.specs!, specs], [prefRows, request.preferences!, prefs]] as const) {
      for (const r of rows) {
        const f = r.field.input.value.trim();
        const v = r.value.input.value.trim();
        if (!v) continue;
        if (!f) { mark(r.field, 'Choose what to compare, e.g. size.'); continue; }
        const op = (rows === specRows ? r.op.input.value : '=') as ShopperOp;
        const cond = rows === specRows ? { field: f, op, value: parseValue(v, op) }
          : { field: f, value: parseValue(v, op), weight: Number(r.weight!.input.value) };
        out.push(cond);
        sent.push(r);
      }
    }
    const b = budgetInput.value.trim().replace(/^\$/, '').replace(/,/g, '');
    if (b) {
      const dollars = Number(b);
      if (!/^\d+(\.\d{1,2})?$/.test(b) || !isFinite(dollars)) mark(budget, 'Enter the budget in dollars, e.g. 200 or 149.99.');
      else request.budget = Math.round(dollars * 100);
    }
    if (categorySelect.value) request.category = categorySelect.value;
    if (kindSelect.value !== 'any') request.kind = kindSelect.value as ShopperFindRequest['kind'];
    if (bad) { (bad as Control).input.focus(); return null; }
    return { request, specs, prefs };
  }

  // "specs[2].op" -> that row's operator; "budget" -> the budget.
  function showApiError(e: unknown, built: Built): void {
    const err = e instanceof ApiError ? e : null;
    const message = err?.message ?? 'The shop did not answer. Check your connection and try again.';
    const name = err?.field ?? '';
    let target: Control | null = null;
    const m = name.match(/^(specs|preferences)\[(\d+)\](?:\.(\w+))?/);
    if (m) {
      const row = (m[1] === 'specs' ? built.specs : built.prefs)[Number(m[2])];
      const part = m[3] ?? 'field';
      if (row) target = part === 'op' ? row.op : part === 'value' ? row.value : part === 'weight' ? row.weight ?? row.value : row.field;
    } else if (name === 'budget') target = budget;
    else if (name === 'category') target = category;
    else if (name === 'kind') target = kind;
    if (target) {
      const row = m ? (m[1] === 'specs' ? built.specs : built.prefs)[Number(m[2])] : undefined;
      const opName = row ? ops.find(([v]) => v === row.op.input.value)?.[1] : undefined;
      fail(target, /needs a number/.test(message) && opName ? `Enter a number: “${opName}” compares numbers.` : errorText(target.label, message));
      target.input.focus();
    } else {
      general.textContent = errorText('This', message);
    }
  }

  let seq = 0;
  let last: Built | null = null;
  async function search(): Promise<void> {
    clearErrors();
    const built = build();
    if (!built) return;
    if (!built.request.specs!.length && !built.request.preferences!.length && built.request.budget === undefined) {
      general.textContent = 'Add at least one must-have, nice-to-have or a budget.';
      specRows[0]?.field.input.focus();
      return;
    }
    const mine = ++seq;
    submit.disabled = true;
    submit.textContent = 'Searching…';
    results.classList.add('is-stale');
    status.textContent = 'Searching…';
    try {
      const res = await send<ShopperFindResult>('POST', '/api/v1/shopper/find', built.request);
      if (mine !== seq) return;
      last = built;
      const models = await loadModels([...res.matches, ...res.relaxations.flatMap((r) => r.examples)]
        .flatMap((m) => (m.model_id ? [m.model_id] : [])));
      if (mine !== seq) return;
      showResults(res, models);
    } catch (e) {
      if (mine !== seq) return;
      status.textContent = '';
      showApiError(e, built);
    } finally {
      if (mine === seq) {
        submit.disabled = false;
        submit.textContent = 'Find it for me';
        results.classList.remove('is-stale');
      }
    }
  }

  // ---- Results ----
  function matchCard(m: ShopperMatch, models: Map<string, ProductModel>, compact = false): HTMLElement {
    const p = m.product;
    const model = m.model_id ? models.get(m.model_id) : undefined;
    const made = m.kind === 'configuration';
    const title = made ? model?.name ?? p.title : p.title;
    const stock = m.stock
      ? `at ${m.stock.location_name ?? m.stock.location ?? 'a dealer'}${m.stock.quantity && m.stock.quantity > 1 ? ` · ${m.stock.quantity} available` : ''}`
      : made ? '' : p.total_stock ? `${p.total_stock} available` : '';
    const meets = checkList(m.meets, 'meets', `How ${title} meets your must-haves`);
    const prefers = compact ? null : checkList(m.prefers, 'prefers', `Your nice-to-haves`);
    return h('article', { class: `match${compact ? ' compact' : ''}` },
      compact ? null : productImage(p, 'match-img'),
      h('div', { class: 'match-body' },
        h('div', { class: 'match-head' },
          h(compact ? 'h4' : 'h3', { class: 'match-title' }, made ? title : h('a', { href: `/p/${p.id}`, 'data-link': true }, title)),
          h('span', { class: 'price' }, formatMoney(m.price))),
        h('p', { class: 'match-stock' },
          h('span', { class: `badge ${made ? 'custom' : 'instock'}` }, made ? 'Made to order' : 'In stock'), ' ', stock),
        m.configuration && !compact ? configurationSummary(model, m.configuration, undefined, 4) : null,
        meets,
        prefers ? h('p', { class: 'checks-label' }, 'Nice-to-haves') : null,
        prefers,
        compact ? null : h('div', { class: 'match-actions' },
          m.model_id && m.configuration
            ? h('a', { class: 'button primary small', href: configureUrl(m.model_id, m.configuration), 'data-link': true }, 'Configure this',
              h('span', { class: 'visually-hidden' }, `: ${title}`))
            : null,
          h('a', { class: made ? 'linkish' : 'button small', href: `/p/${p.id}`, 'data-link': true }, made ? 'About this product' : 'View product',
            h('span', { class: 'visually-hidden' }, `: ${title}`)))));
  }

  // A change in the shopper's words, with money as money.
  function changeText(r: ShopperRelaxation): string {
    const parts = r.changes.map((c) => {
      if (c.kind === 'raise_budget' && c.raise_by && c.new_budget) return `raise the budget by ${formatMoney(c.raise_by)} to ${formatMoney(c.new_budget)}`;
      if (c.field && c.text.startsWith(c.field)) return fieldLabel(c.field).toLowerCase() + c.text.slice(c.field.length);
      if (c.field && c.text.startsWith(`drop ${c.field}`)) return `drop ${fieldLabel(c.field).toLowerCase()}${c.text.slice(5 + c.field.length)}`;
      return c.text;
    });
    const s = parts.join('; and ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function applyRelaxation(r: ShopperRelaxation): void {
    if (!last) return;
    const sent = last.specs;
    const drop: Row[] = [];
    for (const c of r.changes) {
      const row = c.spec !== null ? sent[c.spec] : undefined;
      if (c.kind === 'drop' && row) drop.push(row);
      else if (c.kind === 'loosen' && row && c.loosened) {
        row.field.input.value = c.loosened.field;
        row.op.input.value = c.loosened.op;
        row.value.input.value = valueText(c.loosened.value);
        row.value.input.dispatchEvent(new Event('input'));
      } else if (c.kind === 'raise_budget' && c.new_budget) {
        budgetInput.value = (c.new_budget.amount / 100).toFixed(2).replace(/\.00$/, '');
      }
    }
    for (const row of drop) {
      const at = specRows.indexOf(row);
      if (at >= 0) specRows.splice(at, 1);
      row.el.remove();
    }
    if (!specRows.length) addRow(false);
    void search();
  }

  function showResults(res: ShopperFindResult, models: Map<string, ProductModel>): void {
    clear(results);
    results.hidden = false;
    const heading = h('h2', { id: 'sh-results-h', tabindex: '-1' },
      res.total ? `${res.total} ${res.total === 1 ? 'match' : 'matches'}` : 'Nothing meets all of that yet');
    const shown = res.matches.length;
    results.append(h('div', { class: 'results-head' }, heading,
      h('span', { class: 'total' }, `${res.candidates.toLocaleString()} products and designs looked at${shown < res.total ? ` · best ${shown} shown` : ''}`)));
    if (res.matches.length) {
      results.append(h('ol', { class: 'matches' }, res.matches.map((m) => h('li', {}, matchCard(m, models)))));
      status.textContent = `${res.total} ${res.total === 1 ? 'match' : 'matches'} found.`;
    } else if (res.relaxations.length) {
      results.append(h('p', { class: 'lede' }, 'No item meets every must-have within your budget. These small changes would find some:'),
        h('ol', { class: 'relaxations' }, res.relaxations.map((r) => {
          const text = changeText(r);
          return h('li', { class: 'relaxation' },
            h('div', { class: 'relax-head' },
              h('h3', {}, text),
              h('span', { class: 'relax-yield' }, `${r.yield_count} ${r.yield_count === 1 ? 'item' : 'items'}`)),
            r.examples.length ? h('div', { class: 'relax-examples' }, h('p', { class: 'checks-label' }, 'For example'),
              r.examples.slice(0, 3).map((m) => matchCard(m, models, true))) : null,
            h('button', { type: 'button', class: 'button primary small', onclick: () => applyRelaxation(r) },
              'Apply and search again', h('span', { class: 'visually-hidden' }, `: ${text}`)));
        })));
      status.textContent = `Nothing matches; ${res.relaxations.length} changes offered.`;
    } else {
      results.append(h('p', { class: 'empty' }, 'Nothing comes close. Try fewer must-haves, another category or a higher budget.'));
      status.textContent = 'Nothing matches.';
    }
    heading.focus();
  }

}
