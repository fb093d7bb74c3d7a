// "Where to get it" under the configurator: for the shopper's picks, a budget
// and a region, the units in stock that match, the closest alternatives with
// how they differ, and a build-to-order quote with its delivery date, each
// with "add to cart".
import { api, send, ApiError, Alternative, Availability, Cart, ConfigureState, Money, Selections, StockOffer, formatDate, formatMoney, regions } from './api';
import { h, clear } from './dom';
import { currentAccount, noteCart } from './session';
import { Draft, cartPersonalization, configureUrl, uploading } from './configuration';

export interface AvailabilityPanel {
  element: HTMLElement;
  // The configuration changed: results on screen are for other picks.
  invalidate(): void;
  focus(): void;
}

const typeLabel: Record<string, string> = {
  distribution_centre: 'distribution centre', dealer: 'dealer', plant: 'plant', store: 'store',
};

function moneyOf(x: Money | number | null | undefined, currency: string): Money | null {
  if (x === null || x === undefined) return null;
  return typeof x === 'number' ? { amount: x, currency } : x;
}

export function availabilityPanel(draft: Draft, getState: () => ConfigureState | null): AvailabilityPanel {
  const model = draft.model;
  const currency = model.base_price.currency;
  const budget = h('input', { type: 'number', id: 'budget', name: 'budget', min: 0, step: 100, inputmode: 'numeric', placeholder: 'No limit', 'aria-describedby': 'budget-error' });
  const region = h('select', { id: 'region', name: 'region', 'aria-describedby': 'region-error' },
    regions.map(([id, label]) => h('option', { value: id, selected: (currentAccount()?.region || 'us-east') === id }, label)));
  const budgetError = h('p', { class: 'field-error', id: 'budget-error', role: 'alert' });
  const regionError = h('p', { class: 'field-error', id: 'region-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Check availability');
  const results = h('div', { class: 'avail-results', 'aria-live': 'polite' });
  const stale = h('p', { class: 'notice stale', hidden: true }, 'Your configuration changed since this check. ',
    h('button', { type: 'button', class: 'linkish', onclick: () => void check() }, 'Check again'));
  let seq = 0;
  let shownFor = '';

  const form = h('form', { class: 'avail-form', novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); void check(); } },
    h('div', { class: 'field' }, h('label', { for: 'budget' }, `Budget (${currency === 'USD' ? '$' : currency})`), budget, budgetError),
    h('div', { class: 'field' }, h('label', { for: 'region' }, 'Deliver to'), region, regionError),
    submit);
  const element = h('section', { class: 'cfg-group availability', id: 'availability', 'aria-labelledby': 'availability-h', tabindex: '-1' },
    h('h2', { id: 'availability-h' }, 'Where to get it'),
    h('p', { class: 'hint' }, 'In stock near you, a close match, or built to order for you. Options you have not picked can be anything.'),
    form, stale, results);

  const key = () => JSON.stringify([draft.selections, cartPersonalization(draft), budget.value, region.value]);

  async function check(): Promise<void> {
    budgetError.textContent = regionError.textContent = '';
    const amount = budget.value.trim() === '' ? null : Math.round(Number(budget.value) * 100);
    if (amount !== null && (!isFinite(amount) || amount < 0)) {
      budgetError.textContent = 'Enter an amount, or leave it empty for no limit.';
      budget.focus();
      return;
    }
    const mine = ++seq;
    const forKey = key();
    submit.disabled = true;
    results.setAttribute('aria-busy', 'true');
    clear(results);
    results.append(h('p', { class: 'loading' }, 'Looking in stock and at the plants…'));
    try {
      const res = await api<Availability>(`/api/v1/models/${encodeURIComponent(model.id)}/availability`, {
        method: 'POST', body: JSON.stringify({ selections: draft.selections, region: region.value, ...(amount !== null ? { budget: amount } : {}) }),
      });
      if (mine !== seq) return;
      shownFor = forKey;
      stale.hidden = true;
      show(res);
    } catch (e) {
      if (mine !== seq) return;
      clear(results);
      const err = e instanceof ApiError ? e : null;
      if (err?.field === 'budget') budgetError.textContent = err.message;
      else if (err?.field === 'region') regionError.textContent = err.message;
      else results.append(h('p', { class: 'notice error' }, err?.status === 404 && err.code !== 'not_found'
        ? 'Availability is not offered by this shop yet.' : err?.message ?? 'The shop did not answer. Try again.'));
    } finally {
      if (mine === seq) {
        submit.disabled = false;
        results.removeAttribute('aria-busy');
      }
    }
  }

  function addButton(label: string, selections: Selections, stockUnitId: number | null, withPersonalization: boolean): HTMLElement {
    const msg = h('span', { class: 'add-msg', role: 'status' });
    const b = h('button', { type: 'button', class: 'button primary add', onclick: async () => {
      if (withPersonalization && uploading(draft)) {
        msg.className = 'add-msg bad';
        msg.textContent = 'Your picture is still uploading; add it once it is done.';
        return;
      }
      b.disabled = true;
      msg.textContent = '';
      msg.className = 'add-msg';
      try {
        const cart = await send<Cart>('POST', '/api/v1/cart/items', {
          model_id: model.id, selections, personalization: withPersonalization ? cartPersonalization(draft) : {},
          ...(stockUnitId ? { stock_unit_id: stockUnitId } : {}), quantity: 1,
        });
        noteCart(cart);
        clear(msg);
        msg.append('Added. ', h('a', { href: '/cart', 'data-link': true }, 'View cart'));
        msg.classList.add('ok');
      } catch (e) {
        msg.textContent = e instanceof ApiError ? e.message : 'Could not add it to the cart. Try again.';
        msg.classList.add('bad');
      } finally {
        b.disabled = false;
      }
    } }, label);
    return h('div', { class: 'add-row' }, b, msg);
  }

  function where(o: StockOffer): string {
    const region = regions.find(([id]) => id === o.location.region)?.[1] ?? o.location.region;
    return `${o.location.name} · ${typeLabel[o.location.type] ?? o.location.type}, ${region}`;
  }

  // The first few differences, the rest behind "n more".
  function differences(a: Alternative): HTMLElement {
    const shown = a.differences.slice(0, 4);
    const rest = a.differences.slice(4);
    return h('div', { class: 'differences-box' },
      h('ul', { class: 'differences', 'aria-label': 'How it differs from your picks' }, shown.map((d) => h('li', {}, d.text))),
      rest.length ? h('details', { class: 'more-differences' }, h('summary', {}, `${rest.length} more difference${rest.length === 1 ? '' : 's'}`),
        h('ul', { class: 'differences' }, rest.map((d) => h('li', {}, d.text)))) : null);
  }

  function show(res: Availability): void {
    clear(results);
    const state = getState();

    const exact = h('section', { class: 'avail-block', 'aria-labelledby': 'av-exact' }, h('h3', { id: 'av-exact' }, 'In stock'));
    if (res.exact.length) {
      exact.append(h('ul', { class: 'offers' }, res.exact.map((o) => h('li', { class: `offer${o.within_budget ? '' : ' over'}` },
        h('div', { class: 'offer-main' },
          h('strong', {}, where(o)),
          h('span', { class: 'delivery' }, `Delivered ${formatDate(o.delivery_date)}`, o.transit_days ? ` · ${o.transit_days} days on the road` : ''),
          o.within_budget ? null : h('span', { class: 'badge out' }, 'Over your budget')),
        h('span', { class: 'price' }, formatMoney(o.price)),
        addButton('Add to cart', o.configuration, o.stock_unit_id, false)))));
    } else {
      exact.append(h('p', { class: 'empty' }, 'Nothing in stock has all your picks.'));
    }

    const alts = h('section', { class: 'avail-block', 'aria-labelledby': 'av-alt' }, h('h3', { id: 'av-alt' }, 'Close alternatives in stock'));
    if (res.alternatives.length) {
      alts.append(h('ul', { class: 'offers' }, res.alternatives.map((a) => {
        const diff = moneyOf(a.price_difference, currency);
        return h('li', { class: 'offer alt' },
          h('div', { class: 'offer-main' },
            h('strong', {}, where(a.offer)),
            differences(a),
            h('span', { class: 'delivery' }, `Delivered ${formatDate(a.offer.delivery_date)}`),
            diff && diff.amount !== 0 ? h('span', { class: `price-diff ${diff.amount < 0 ? 'less' : 'more'}` },
              `${formatMoney({ ...diff, amount: Math.abs(diff.amount) })} ${diff.amount < 0 ? 'less' : 'more'} than your picks`) : null),
          h('span', { class: 'price' }, formatMoney(a.offer.price)),
          h('div', { class: 'offer-actions' },
            addButton('Add to cart', a.offer.configuration, a.offer.stock_unit_id, false),
            h('a', { href: configureUrl(model.id, a.offer.configuration), 'data-link': true, class: 'linkish' }, 'Start from this one')));
      })));
    } else {
      alts.append(h('p', { class: 'empty' }, res.exact.length ? 'No other close matches within your budget.' : 'Nothing close enough within your budget.'));
    }

    const bto = h('section', { class: 'avail-block', 'aria-labelledby': 'av-bto' }, h('h3', { id: 'av-bto' }, 'Built to order for you'));
    const b = res.build_to_order;
    if (b) {
      bto.append(h('div', { class: `offer bto${b.within_budget ? '' : ' over'}` },
        h('div', { class: 'offer-main' },
          h('strong', {}, 'Exactly your configuration'),
          h('span', { class: 'delivery' }, `Delivered ${formatDate(b.delivery_date)}`),
          b.plant ? h('span', { class: 'hint' }, `Built for you in ${b.plant.charAt(0).toUpperCase()}${b.plant.slice(1)}${b.build_date ? ` on ${formatDate(b.build_date)}` : ''}`) : null,
          b.within_budget ? null : h('span', { class: 'badge out' }, 'Over your budget')),
        h('span', { class: 'price' }, formatMoney(b.price)),
        addButton('Add to cart', { ...draft.selections }, null, true)));
    } else {
      const why = res.build_to_order_unavailable || (state && !state.complete ? 'Finish the configuration to get a build-to-order date.' : 'No plant can build it right now.');
      bto.append(h('p', { class: 'empty' }, why));
    }
    results.append(exact, bto, alts);
  }

  return {
    element,
    invalidate() {
      if (shownFor && key() !== shownFor) {
        stale.hidden = false;
        results.classList.add('is-stale');
        results.querySelectorAll<HTMLButtonElement>('button.add').forEach((b) => (b.disabled = true));
      } else if (shownFor) {
        stale.hidden = true;
        results.classList.remove('is-stale');
        results.querySelectorAll<HTMLButtonElement>('button.add').forEach((b) => (b.disabled = false));
      }
    },
    focus() {
      element.scrollIntoView({ behavior: 'smooth', block: 'start' });
      budget.focus({ preventScroll: true });
    },
  };
}
