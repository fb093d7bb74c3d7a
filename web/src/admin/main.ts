// The merchant dashboard (/admin): API-key login, then stock, product
// models, the production board and analytics. Client-side routes under
// /admin; the server answers admin.html for each of them.
import './admin.css';
import { AdminApiError, adminApi, apiKey, onKeyRejected, setApiKey } from './api';
import { h, uid } from './dom';
import { renderStock } from './pages/stock';
import { renderModels } from './pages/models';
import { renderOrders } from './pages/orders';

type Page = (main: HTMLElement) => Promise<void> | void;

const routes: Record<string, { title: string; page: () => Promise<Page> }> = {
  '/admin': { title: 'Stock', page: async () => renderStock },
  '/admin/models': { title: 'Product models', page: async () => renderModels },
  '/admin/orders': { title: 'Production board', page: async () => renderOrders },
  '/admin/plants': { title: 'Plant capacity', page: async () => (await import('./pages/plants')).renderPlants },
  // Chart.js is loaded only when the analytics page opens.
  '/admin/analytics': { title: 'Analytics', page: async () => (await import('./pages/analytics')).renderAnalytics },
};

// Stylists sign in with their staff account, not a merchant key.
const STYLIST_PATH = '/admin/stylist';

const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('admin-nav') as HTMLElement;
const session = document.getElementById('admin-session') as HTMLElement;
const keyLabel = document.getElementById('admin-key-label') as HTMLElement;
nav.append(h('a', { href: STYLIST_PATH, 'data-link': true }, 'Stylist'));

// The staff account signed in on this browser (a stylist needs no merchant
// key): asked once, then kept current by the stylist workspace's
// 'atelier:staff' events on sign-in and sign-out. undefined: not asked yet.
let staff: { email: string; role: string } | null | undefined;
async function stylistAccount(): Promise<{ email: string; role: string } | null> {
  if (staff === undefined) {
    try {
      const res = await fetch('/api/v1/auth/me', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      staff = res.ok ? ((await res.json()) as { account: { email: string; role: string } }).account : null;
    } catch {
      staff = null;
    }
  }
  return staff?.role === 'stylist' ? staff : null;
}
window.addEventListener('atelier:staff', (e) => {
  staff = (e as CustomEvent<{ email: string; role: string } | null>).detail ?? null;
  showNav();
});

// The merchant sections need a key; the stylist workspace a key or a
// stylist's sign-in.
function showNav(): void {
  const key = apiKey();
  const stylist = staff?.role === 'stylist';
  nav.hidden = !key && !stylist;
  session.hidden = !key;
  for (const a of nav.querySelectorAll('a')) {
    a.hidden = normalize(new URL(a.href).pathname) === STYLIST_PATH ? !key && !stylist : !key;
  }
}

function normalize(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/admin' : trimmed;
}

export function navigate(path: string): void {
  history.pushState(null, '', path);
  void render();
}

async function render(): Promise<void> {
  const key = apiKey();
  await stylistAccount();
  showNav();
  main.replaceChildren();
  if (normalize(location.pathname) === STYLIST_PATH) {
    for (const a of nav.querySelectorAll('a')) {
      if (normalize(new URL(a.href).pathname) === STYLIST_PATH) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = 'Stylist workspace · Atelier';
    const { renderStylist } = await import('./pages/stylist');
    await renderStylist(main);
    return;
  }
  if (!key) {
    document.title = 'Sign in · Atelier merchant';
    renderLogin(main);
    return;
  }
  keyLabel.textContent = `Key ${key.slice(0, 10)}…`;
  const path = normalize(location.pathname);
  const route = routes[path];
  for (const a of nav.querySelectorAll('a')) {
    if (normalize(new URL(a.href).pathname) === path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!route) {
    document.title = 'Not found · Atelier merchant';
    main.append(h('h1', {}, 'No such page'), h('p', {}, h('a', { href: '/admin', 'data-link': true }, 'Back to stock')));
    return;
  }
  document.title = `${route.title} · Atelier merchant`;
  const page = await route.page();
  await page(main);
}

function renderLogin(root: HTMLElement): void {
  const inputId = uid('key');
  const errorId = uid('key-error');
  const input = h('input', {
    id: inputId, name: 'key', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false',
    placeholder: 'atk_…', 'aria-describedby': `${errorId} ${inputId}-help`,
  });
  const error = h('p', { id: errorId, class: 'field-error', role: 'alert' });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'login card', novalidate: true },
    h('h1', {}, 'Merchant dashboard'),
    h('p', { class: 'muted' }, 'Sign in with a merchant API key. The key stays in this browser tab only and is forgotten when the tab closes.'),
    h('label', { for: inputId }, 'API key'),
    input,
    error,
    h('p', { id: `${inputId}-help`, class: 'help' }, 'Create one on the server with ', h('code', {}, 'atelier admin create-key --name dashboard --scopes catalog,orders,models,analytics'), '.'),
    button,
    h('p', { class: 'help' }, 'Personal shopper? ', h('a', { href: STYLIST_PATH, 'data-link': true }, 'Open the stylist workspace'), ' with your staff account.'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    if (!key) {
      error.textContent = 'Enter your API key.';
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Checking…';
    try {
      // Any answer but 401 means the key exists; sections it lacks the scope
      // for say so when opened.
      await adminApi('/api/v1/admin/locations', {}, key).catch((err) => {
        if (err instanceof AdminApiError && err.status === 403) return null;
        throw err;
      });
      setApiKey(key);
      await render();
      main.focus();
    } catch (err) {
      error.textContent = err instanceof AdminApiError && err.status === 401
        ? 'This key is unknown or revoked. Check it and try again.'
        : err instanceof Error ? err.message : String(err);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } finally {
      button.disabled = false;
      button.textContent = 'Sign in';
    }
  });
  root.append(form);
  input.focus();
}

document.addEventListener('click', (e) => {
  const a = (e.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (!new URL(a.href).pathname.startsWith('/admin')) return;
  e.preventDefault();
  navigate(new URL(a.href).pathname);
  main.focus();
});
window.addEventListener('popstate', () => void render());
document.getElementById('logout')?.addEventListener('click', () => {
  setApiKey(null);
  history.pushState(null, '', '/admin');
  void render();
});
onKeyRejected(() => {
  setApiKey(null);
  void render();
});

void render();
