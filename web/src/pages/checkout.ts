// Checkout: who and where it ships to, one last look at the cart, and
// "Place order".
//
// The address goes to the shop in its fields (name, line1, line2, city,
// postal_code, country) with the region; each is labelled and carries its
// autocomplete token, so the browser can fill it, and an error the shop
// finds in one (400, field "shipping.postal_code") is shown under that field.
//
// Each checkout attempt gets one Idempotency-Key, generated when the page
// opens and kept (in sessionStorage, so a reload keeps it too) until an order
// comes back: pressing "Place order" again after a timeout or a network error
// retries the same attempt, and the server never places it twice.
import { api, ApiError, Cart, Order, countries, formatMoney, regions } from '../api';
import { h, clear } from '../dom';
import { Field, clearErrors, field, showError } from '../forms';
import { currentAccount, loadSession, noteCart, refreshCart } from '../session';
import { describeConfiguration, loadModels } from '../configuration';
import { navigate, PageContext } from '../main';

const keyName = 'atelier.checkout.idempotency_key';

function newKey(): string {
  // randomUUID needs a secure context; plain-HTTP shops get random bytes.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function attemptKey(): string {
  let key = sessionStorage.getItem(keyName);
  if (!key) {
    key = newKey();
    sessionStorage.setItem(keyName, key);
  }
  return key;
}

// The shop's address errors name API members ("shipping.postal_code must
// be ..."); a shopper reads the field's own label instead.
function shopperWords(err: ApiError): ApiError {
  const member = err.field?.startsWith('shipping.') ? err.field.slice('shipping.'.length) : '';
  if (!member) return err;
  const label: Record<string, string> = {
    name: 'The name', line1: 'The street address', line2: 'The apartment, suite or floor', city: 'The city',
    postal_code: 'The ZIP or postal code', country: 'The country', region: 'The region',
  };
  const what = label[member] ?? 'This field';
  let message = err.message.replace(/^shipping\.[a-z_0-9]+ /, `${what} `);
  if (/ is required$/.test(err.message)) message = `${what} is needed.`;
  else if (member === 'postal_code' && / must be /.test(err.message)) message = 'A ZIP or postal code is 2 to 12 letters, digits, spaces or hyphens.';
  else if (/control characters/.test(err.message)) message = `${what} has a character that cannot be printed on a label (a tab or a line break); please retype it.`;
  else if (/longer than/.test(err.message)) message = `${what} is too long (at most 200 characters).`;
  return new ApiError(err.status, err.code, message, err.field);
}

export async function renderCheckout(ctx: PageContext): Promise<void> {
  await loadSession();
  const account = currentAccount();
  if (!account) {
    navigate(`/login?next=${encodeURIComponent('/checkout')}`);
    return;
  }
  document.title = 'Checkout · Atelier';
  const cart = await api<Cart>('/api/v1/cart');
  const models = await loadModels(cart.lines.flatMap((l) => (l.configured ? [l.configured.model_id] : [])));
  noteCart(cart);
  clear(ctx.main);
  if (!cart.lines.length) {
    ctx.main.append(h('h1', {}, 'Checkout'), h('div', { class: 'notice' }, h('p', {}, 'Your cart is empty.'), h('a', { class: 'button primary', href: '/', 'data-link': true }, 'Keep shopping')));
    return;
  }
  const key = attemptKey();

  const fields = {
    name: field('name', 'Full name', h('input', { type: 'text', autocomplete: 'shipping name', required: true, maxlength: 200 })),
    line1: field('line1', 'Street address', h('input', { type: 'text', autocomplete: 'shipping address-line1', required: true, maxlength: 200 }), 'Street and house number.'),
    line2: field('line2', 'Apartment, suite, floor (optional)', h('input', { type: 'text', autocomplete: 'shipping address-line2', maxlength: 200 })),
    city: field('city', 'City', h('input', { type: 'text', autocomplete: 'shipping address-level2', required: true, maxlength: 200 })),
    postal_code: field('postal_code', 'ZIP or postal code', h('input', { type: 'text', autocomplete: 'shipping postal-code', required: true, maxlength: 12, autocapitalize: 'characters', spellcheck: 'false' })),
    country: field('country', 'Country', h('select', { autocomplete: 'shipping country', required: true }, countries.map(([code, label]) => h('option', { value: code, selected: code === 'US' }, label)))),
    region: field('region', 'Delivery region', h('select', {}, regions.map(([id, label]) => h('option', { value: id, selected: account.region === id }, label))), 'It picks the nearest warehouse and sets the delivery date.'),
  };
  const missing: Partial<Record<keyof typeof fields, string>> = {
    name: 'Enter the name to deliver to.',
    line1: 'Enter the street and house number.',
    city: 'Enter the city.',
    postal_code: 'Enter the ZIP or postal code.',
  };
  // Empty required fields, found before the round trip; the shop checks the
  // rest (the postal code's form, the lengths) and its answer goes under the
  // field it names.
  function problems(): [Field, string][] {
    return (Object.entries(missing) as [keyof typeof fields, string][])
      .filter(([name]) => !fields[name].input.value.trim())
      .map(([name, message]) => [fields[name], message]);
  }
  const general = h('div', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, `Place order · ${formatMoney(cart.subtotal)}`);
  const blocked = cart.lines.some((l) => l.problem);

  const form = h('form', { class: 'checkout-form', novalidate: true, onsubmit: async (e: Event) => {
    e.preventDefault();
    clearErrors(fields, general);
    const found = problems();
    for (const [f, message] of found) {
      f.error.textContent = message;
      f.input.setAttribute('aria-invalid', 'true');
    }
    if (found.length) {
      found[0][0].input.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Placing your order…';
    try {
      const order = await api<Order>('/api/v1/checkout', {
        method: 'POST',
        headers: { 'Idempotency-Key': key },
        body: JSON.stringify({ shipping: {
          name: fields.name.input.value.trim(),
          line1: fields.line1.input.value.trim(),
          line2: fields.line2.input.value.trim(),
          city: fields.city.input.value.trim(),
          postal_code: fields.postal_code.input.value.trim(),
          country: fields.country.input.value,
          region: fields.region.input.value,
        } }),
      });
      sessionStorage.removeItem(keyName);
      await refreshCart();
      navigate(`/orders/${order.id}?placed=1`);
    } catch (err) {
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
        showError(shopperWords(err), fields, general);
        if (err.status === 409) general.append(' ', h('a', { href: '/cart', 'data-link': true }, 'Review your cart'));
      } else {
        clearErrors(fields, general);
        general.textContent = err instanceof ApiError
          ? `${err.message} Press “Place order” again: it will not be ordered twice.`
          : 'The shop did not answer. Press “Place order” again: it will not be ordered twice.';
      }
    } finally {
      submit.disabled = false;
      submit.textContent = `Place order · ${formatMoney(cart.subtotal)}`;
    }
  } },
  h('h2', {}, 'Delivery'),
  h('fieldset', { class: 'address-fields' },
    h('legend', { class: 'visually-hidden' }, 'Delivery address'),
    fields.name.wrap, fields.line1.wrap, fields.line2.wrap,
    h('div', { class: 'field-row' }, fields.city.wrap, fields.postal_code.wrap),
    h('div', { class: 'field-row even' }, fields.country.wrap, fields.region.wrap)),
  general,
  blocked ? h('p', { class: 'field-error' }, 'Some items in your cart cannot be ordered. ', h('a', { href: '/cart', 'data-link': true }, 'Fix them in the cart')) : null,
  submit);
  if (blocked) submit.disabled = true;

  ctx.main.append(
    h('h1', {}, 'Checkout'),
    h('div', { class: 'cart-layout' },
      form,
      h('aside', { class: 'cart-summary', 'aria-label': 'Order summary' },
        h('h2', {}, 'Your order'),
        h('ul', { class: 'mini-lines' }, cart.lines.map((l) => h('li', {},
          h('span', {}, `${l.quantity} × ${l.configured ? models.get(l.configured.model_id)?.name ?? l.title : l.title}`,
            l.configured ? h('small', {}, describeConfiguration(models.get(l.configured.model_id), l.configured.selections).slice(0, 4).join(' · ') + '…') : null,
            l.configured ? h('small', {}, l.configured.stock_unit_id ? 'From stock' : 'Built to order') : null),
          h('strong', {}, formatMoney(l.line_total))))),
        h('p', { class: 'sum-row' }, h('span', {}, 'Total'), h('strong', { class: 'subtotal' }, formatMoney(cart.subtotal))),
        h('p', { class: 'hint' }, 'You are charged when your order ships.'))),
  );
  fields.name.input.focus();
}
