// Checkout: who and where it ships to, one last look at the cart, and
// "Place order".
//
// The address goes to the shop in its fields (name, line1, line2, city,
// state, postal_code, country) with the region; each is labelled and carries
// its autocomplete token, so the browser can fill it, and an error the shop
// finds in one (400, field "shipping.postal_code") is shown under that field.
// The state is a list of codes for the US, Canada and Australia (where the
// shop requires one) and free text elsewhere. The form starts from the
// account's saved address, and "Save this address for next time" (checked
// unless the shopper unticks it) makes this one the saved address.
//
// Each checkout attempt gets one Idempotency-Key, generated when the page
// opens and kept (in sessionStorage, so a reload keeps it too) until an order
// comes back: pressing "Place order" again after a timeout or a network error
// retries the same attempt, and the server never places it twice.
import './checkout.css';
import { api, ApiError, Cart, Order, countries, formatMoney, regions, savedAddress } from '../api';
import { h, clear } from '../dom';
import { addressErrorWords, addressForm, clearErrors, field, showError, showProblems } from '../forms';
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

export async function renderCheckout(ctx: PageContext): Promise<void> {
  await loadSession();
  const account = currentAccount();
  if (!account) {
    navigate(`/login?next=${encodeURIComponent('/checkout')}`);
    return;
  }
  document.title = 'Checkout · Atelier';
  const [cart, saved] = await Promise.all([api<Cart>('/api/v1/cart'), savedAddress().catch(() => null)]);
  const models = await loadModels(cart.lines.flatMap((l) => (l.configured ? [l.configured.model_id] : [])));
  noteCart(cart);
  clear(ctx.main);
  if (!cart.lines.length) {
    ctx.main.append(h('h1', {}, 'Checkout'), h('div', { class: 'notice' }, h('p', {}, 'Your cart is empty.'), h('a', { class: 'button primary', href: '/', 'data-link': true }, 'Keep shopping')));
    return;
  }
  const key = attemptKey();

  const region = field('region', 'Delivery region', h('select', {}, regions.map(([id, label]) => h('option', { value: id, selected: account.region === id }, label))), 'It picks the nearest warehouse and sets the delivery date.');
  const address = addressForm(countries, 'US', 'Delivery address', [region.wrap]);
  address.fill(saved);
  const fields = { ...address.fields, region };
  const save = h('input', { type: 'checkbox', id: 'f-save_address', name: 'save_address', checked: true, 'aria-describedby': 'f-save_address-hint' });
  const saveBox = h('div', { class: 'save-address' },
    h('label', { for: 'f-save_address' }, save, h('span', {}, 'Save this address for next time')),
    h('p', { class: 'hint', id: 'f-save_address-hint' }, saved
      ? 'It replaces the address saved on your account, which fills in checkout and is where one-click buys from your personal shopper go.'
      : 'It fills in checkout next time, and one-click buys from your personal shopper go there.'));
  const general = h('div', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, `Place order · ${formatMoney(cart.subtotal)}`);
  const blocked = cart.lines.some((l) => l.problem);

  const form = h('form', { class: 'checkout-form', novalidate: true, onsubmit: async (e: Event) => {
    e.preventDefault();
    clearErrors(fields, general);
    if (showProblems(address.problems())) return;
    submit.disabled = true;
    submit.textContent = 'Placing your order…';
    try {
      const order = await api<Order>('/api/v1/checkout', {
        method: 'POST',
        headers: { 'Idempotency-Key': key },
        body: JSON.stringify({
          shipping: { ...address.value(), region: region.input.value },
          save_address: save.checked,
        }),
      });
      sessionStorage.removeItem(keyName);
      await refreshCart();
      navigate(`/orders/${order.id}?placed=1`);
    } catch (err) {
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
        showError(addressErrorWords(err, address.fields.country.input.value), fields, general);
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
  saved ? h('p', { class: 'hint prefilled' }, 'Filled in from the address saved on your account.') : null,
  address.fieldset,
  saveBox,
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
