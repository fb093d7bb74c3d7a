// Sign in, create an account, and the account page with the shopper's saved
// delivery address (what checkout fills in and one-click buys ship to) and
// orders.
import './checkout.css';
import { api, send, ApiError, Order, SavedAddress, countries, formatDate, formatMoney, regions, savedAddress } from '../api';
import { loadModels } from '../configuration';
import { orderStatusLabel } from './order';
import { h, clear } from '../dom';
import { addressErrorWords, addressForm, addressLines, clearErrors, field, fieldError, showError, showProblems } from '../forms';
import { currentAccount, knownProduct, loadSession, signIn, signOut } from '../session';
import { navigate, PageContext } from '../main';

// Only same-site paths are followed after signing in.
function nextPath(query: URLSearchParams, fallback: string): string {
  const next = query.get('next') ?? '';
  return next.startsWith('/') && !next.startsWith('//') ? next : fallback;
}

export async function renderLogin(ctx: PageContext): Promise<void> {
  return renderAuthForm(ctx, 'login');
}

export async function renderRegister(ctx: PageContext): Promise<void> {
  return renderAuthForm(ctx, 'register');
}

async function renderAuthForm(ctx: PageContext, mode: 'login' | 'register'): Promise<void> {
  await loadSession();
  const next = nextPath(ctx.query, '/account');
  if (currentAccount()) {
    navigate(next);
    return;
  }
  const registering = mode === 'register';
  document.title = `${registering ? 'Create an account' : 'Sign in'} · Atelier`;
  const fields = {
    email: field('email', 'Email', h('input', { type: 'email', autocomplete: 'email', required: true })),
    password: field('password', 'Password', h('input', { type: 'password', autocomplete: registering ? 'new-password' : 'current-password', required: true, minlength: registering ? 8 : undefined }),
      registering ? 'At least 8 characters.' : undefined),
    ...(registering ? {
      region: field('region', 'Where we deliver', h('select', {}, regions.map(([id, label]) => h('option', { value: id }, label))),
        'Used for delivery dates; you can change it at checkout.'),
    } : {}),
  } as Record<string, ReturnType<typeof field>>;
  const general = h('p', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, registering ? 'Create account' : 'Sign in');
  const form = h('form', { class: 'auth-form', novalidate: true, onsubmit: async (e: Event) => {
    e.preventDefault();
    const body: Record<string, string> = {};
    for (const [k, f] of Object.entries(fields)) body[k] = f.input.value.trim();
    body.password = fields.password.input.value;
    // Say what is missing here rather than waiting for the server.
    const missing = Object.entries(fields).find(([, f]) => f.input.hasAttribute('required') && !f.input.value);
    clearErrors(fields, general);
    if (missing) {
      fieldError(missing[1], `Enter your ${missing[0]}.`);
      return;
    }
    submit.disabled = true;
    try {
      await signIn(mode, body);
      navigate(next);
    } catch (err) {
      showError(err, fields, general);
    } finally {
      submit.disabled = false;
    }
  } },
  Object.values(fields).map((f) => f.wrap), general, submit);

  clear(ctx.main);
  const other = registering
    ? h('p', {}, 'Already have an account? ', h('a', { href: `/login${ctx.query.get('next') ? `?next=${encodeURIComponent(next)}` : ''}`, 'data-link': true }, 'Sign in'))
    : h('p', {}, 'New here? ', h('a', { href: `/register${ctx.query.get('next') ? `?next=${encodeURIComponent(next)}` : ''}`, 'data-link': true }, 'Create an account'));
  ctx.main.append(h('div', { class: 'narrow' },
    h('h1', {}, registering ? 'Create an account' : 'Sign in'),
    next === '/checkout' ? h('p', { class: 'hint' }, 'Sign in or create an account to check out; your cart comes with you.') : null,
    form, other));
  fields.email.input.focus();
}

export async function renderAccount(ctx: PageContext): Promise<void> {
  await loadSession();
  const account = currentAccount();
  if (!account) {
    navigate(`/login?next=${encodeURIComponent('/account')}`);
    return;
  }
  document.title = 'Your account · Atelier';
  const [res, saved] = await Promise.all([api<{ items: Order[]; total: number }>('/api/v1/orders?per_page=50'), savedAddress()]);
  const models = await loadModels(res.items.flatMap((o) => o.lines.flatMap((l) => (l.configured ? [l.configured.model_id] : []))));
  const what = (o: Order) => o.lines.map((l) => `${l.quantity > 1 ? `${l.quantity} × ` : ''}${l.configured ? models.get(l.configured.model_id)?.name ?? l.configured.model_id : knownProduct(l.sku)?.title ?? l.sku}`).join(', ');
  const regionName = regions.find(([id]) => id === account.region)?.[1] ?? account.region;
  clear(ctx.main);
  ctx.main.append(
    h('div', { class: 'account-head' },
      h('div', {}, h('h1', {}, 'Your account'), h('p', { class: 'hint' }, account.email, regionName ? ` · delivers to ${regionName}` : '')),
      h('button', { type: 'button', class: 'button', onclick: async () => { await signOut(); navigate('/'); } }, 'Sign out')),
    addressSection(saved, ctx.query),
    h('h2', {}, 'Your orders'),
    res.items.length
      ? h('table', { class: 'orders' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Order'), h('th', { scope: 'col' }, 'Items'), h('th', { scope: 'col' }, 'Placed'), h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col' }, 'Expected delivery'), h('th', { scope: 'col', class: 'num' }, 'Total'))),
        h('tbody', {}, res.items.map((o) => h('tr', {},
          h('th', { scope: 'row' }, h('a', { href: `/orders/${o.id}`, 'data-link': true }, `Order #${o.id}`)),
          h('td', { 'data-label': 'Items', class: 'items' }, what(o)),
          h('td', { 'data-label': 'Placed' }, formatDate(o.created_at)),
          h('td', { 'data-label': 'Status' }, h('span', { class: `status status-${o.status}` }, orderStatusLabel(o.status))),
          h('td', { 'data-label': 'Expected delivery' }, o.status === 'delivered' || o.status === 'cancelled' ? '—' : formatDate(o.expected_delivery_date ?? '')),
          h('td', { class: 'num', 'data-label': 'Total' }, formatMoney(o.total))))))
      : h('div', { class: 'notice' }, h('p', {}, 'No orders yet.'), h('a', { href: '/', 'data-link': true, class: 'button primary' }, 'Start shopping')),
  );
}

// The saved delivery address (section #address): shown as a label reads,
// changed in the same form as at checkout, or forgotten. Without one, the
// form is open. The personal-shopper page links here (with ?next= back to
// the request) when a one-click buy needs an address.
function addressSection(saved: SavedAddress | null, query: URLSearchParams): HTMLElement {
  const section = h('section', { class: 'saved-address', id: 'address', 'aria-labelledby': 'address-h' });
  const back = nextPath(query, '');
  const backLink = () => (back && back !== '/account'
    ? h('a', { href: back, 'data-link': true }, back.startsWith('/personal-shopper') ? 'Back to your personal shopper' : 'Back where you were')
    : null);
  const show = (current: SavedAddress | null, note = '') => {
    clear(section);
    section.append(h('h2', { id: 'address-h' }, 'Delivery address'));
    if (current) {
      section.append(
        h('p', { class: 'address' }, addressLines(current).join('\n')),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'button', onclick: () => edit(current) }, 'Change address'),
          h('button', { type: 'button', class: 'button subtle', onclick: async (e: Event) => {
            (e.currentTarget as HTMLButtonElement).disabled = true;
            await send('DELETE', '/api/v1/account/address');
            show(null, 'Your saved address is removed.');
          } }, 'Remove')),
        h('p', { class: 'saved-ok', role: 'status' }, note, note ? ' ' : '', note ? backLink() : null));
    } else {
      section.append(
        h('p', { class: 'hint' }, 'No delivery address saved yet. Checkout fills it in, and “Buy now” on your personal shopper’s picks ships there.'),
        note ? h('p', { class: 'saved-ok', role: 'status' }, note) : '',
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button', onclick: () => edit(null) }, 'Add an address')));
    }
  };
  const edit = (current: SavedAddress | null, note = '') => {
    clear(section);
    const form = addressForm(countries, 'US', 'Delivery address');
    form.fill(current);
    const general = h('p', { class: 'field-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'button primary' }, 'Save address');
    section.append(h('h2', { id: 'address-h' }, 'Delivery address'));
    if (note) section.append(h('p', { class: 'saved-ok', role: 'status' }, note));
    if (!current) section.append(h('p', { class: 'hint' }, 'Where you want things delivered: checkout fills it in, and “Buy now” on your personal shopper’s picks ships there.'));
    section.append(
      h('form', { class: 'address-form', novalidate: true, onsubmit: async (e: Event) => {
        e.preventDefault();
        clearErrors(form.fields, general);
        if (showProblems(form.problems())) return;
        submit.disabled = true;
        try {
          const res = await send<{ address: SavedAddress }>('PUT', '/api/v1/account/address', form.value());
          show(res.address, 'Saved.');
        } catch (err) {
          showError(err instanceof ApiError ? addressErrorWords(err, form.fields.country.input.value) : err, form.fields, general);
          submit.disabled = false;
        }
      } },
      form.fieldset, general,
      h('div', { class: 'actions' }, submit,
        h('button', { type: 'button', class: 'button subtle', onclick: () => show(current) }, 'Cancel'))));
    form.fields.name.input.focus();
  };
  // Coming to add the address (#address, from the personal shopper): the
  // form is open.
  if (!saved && location.hash === '#address') edit(null);
  else show(saved);
  if (location.hash === '#address') {
    // After the router's scroll to the top.
    requestAnimationFrame(() => {
      section.scrollIntoView({ block: 'start' });
      section.querySelector<HTMLElement>('input, button')?.focus({ preventScroll: true });  // the first field
    });
  }
  return section;
}
