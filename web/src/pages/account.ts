// Sign in, create an account, and the account page with the shopper's orders.
import { api, Order, formatDate, formatMoney, regions } from '../api';
import { loadModels } from '../configuration';
import { orderStatusLabel } from './order';
import { h, clear } from '../dom';
import { clearErrors, field, fieldError, showError } from '../forms';
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
  const res = await api<{ items: Order[]; total: number }>('/api/v1/orders?per_page=50');
  const models = await loadModels(res.items.flatMap((o) => o.lines.flatMap((l) => (l.configured ? [l.configured.model_id] : []))));
  const what = (o: Order) => o.lines.map((l) => `${l.quantity > 1 ? `${l.quantity} × ` : ''}${l.configured ? models.get(l.configured.model_id)?.name ?? l.configured.model_id : knownProduct(l.sku)?.title ?? l.sku}`).join(', ');
  const regionName = regions.find(([id]) => id === account.region)?.[1] ?? account.region;
  clear(ctx.main);
  ctx.main.append(
    h('div', { class: 'account-head' },
      h('div', {}, h('h1', {}, 'Your account'), h('p', { class: 'hint' }, account.email, regionName ? ` · delivers to ${regionName}` : '')),
      h('button', { type: 'button', class: 'button', onclick: async () => { await signOut(); navigate('/'); } }, 'Sign out')),
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
