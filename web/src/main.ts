// The storefront: a small client-side router over Atelier's JSON API.
import './style.css';
import { api, CategoryNode } from './api';
import { h, clear } from './dom';
import { renderHome } from './pages/home';
import { renderSearch } from './pages/search';
import { renderProduct } from './pages/product';
import { renderConfigure } from './pages/configure';
import { renderCart } from './pages/cart';
import { renderCheckout } from './pages/checkout';
import { renderAccount, renderLogin, renderRegister } from './pages/account';
import { renderOrder } from './pages/order';
import { renderShopper } from './pages/shopper';
import { attachSuggest } from './suggest';
import { cartItemCount, currentAccount, loadSession, onSessionChange } from './session';

export interface PageContext {
  main: HTMLElement;
  params: Record<string, string>;
  query: URLSearchParams;
  categories: CategoryNode[];
}

type Page = (ctx: PageContext) => Promise<void>;

const routes: [RegExp, Page, string[]][] = [
  [/^\/$/, renderHome, []],
  [/^\/search$/, renderSearch, []],
  [/^\/c\/([a-z0-9-]+)$/, renderSearch, ['category']],
  [/^\/p\/(\d+)$/, renderProduct, ['id']],
  [/^\/configure\/([A-Za-z0-9_-]+)$/, renderConfigure, ['id']],
  [/^\/cart$/, renderCart, []],
  [/^\/checkout$/, renderCheckout, []],
  [/^\/login$/, renderLogin, []],
  [/^\/register$/, renderRegister, []],
  [/^\/account$/, renderAccount, []],
  [/^\/orders\/(\d+)$/, renderOrder, ['id']],
  [/^\/personal-shopper$/, renderShopper, []],
];

let categories: CategoryNode[] = [];

export function navigate(url: string): void {
  history.pushState({}, '', url);
  void route();
}

async function route(): Promise<void> {
  const main = document.getElementById('main')!;
  const url = new URL(location.href);
  for (const [re, page, names] of routes) {
    const m = url.pathname.match(re);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
    clear(main);
    main.append(h('p', { class: 'loading', 'aria-live': 'polite' }, 'Loading…'));
    try {
      await page({ main, params, query: url.searchParams, categories });
    } catch (e) {
      clear(main);
      main.append(h('div', { class: 'notice error', role: 'alert' }, h('h1', {}, 'Something went wrong'), h('p', {}, (e as Error).message)));
    }
    window.scrollTo(0, 0);
    return;
  }
  clear(main);
  main.append(h('div', { class: 'notice' }, h('h1', {}, 'Page not found'), h('p', {}, 'That page does not exist. '), h('a', { href: '/', 'data-link': true }, 'Back to the shop')));
}

// The header's account link and cart count follow the session.
function renderAccountNav(): void {
  const account = currentAccount();
  const link = document.getElementById('account-link')!;
  link.textContent = account ? 'Account' : 'Sign in';
  link.setAttribute('href', account ? '/account' : '/login');
  link.setAttribute('title', account ? `Signed in as ${account.email}` : 'Sign in or create an account');
  const n = cartItemCount();
  const count = document.getElementById('cart-count')!;
  count.textContent = String(n);
  count.hidden = n === 0;
  document.getElementById('cart-link')!.setAttribute('aria-label', `Cart, ${n} item${n === 1 ? '' : 's'}`);
}

function renderCategoryBar(): void {
  const bar = document.getElementById('category-bar')!;
  clear(bar);
  for (const c of categories) bar.append(h('a', { href: `/c/${c.slug}`, 'data-link': true }, c.name));
}

document.addEventListener('click', (e) => {
  const a = (e.target as Element).closest('a');
  if (!a || a.target || a.hasAttribute('download') || e.metaKey || e.ctrlKey || e.shiftKey) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('/api/') || href.startsWith('/admin')) return;
  e.preventDefault();
  navigate(href);
});
window.addEventListener('popstate', () => void route());

document.getElementById('search-form')!.addEventListener('submit', (e) => {
  e.preventDefault();
  const q = (document.getElementById('q') as HTMLInputElement).value.trim();
  navigate(`/search?q=${encodeURIComponent(q)}`);
});
attachSuggest(document.getElementById('q') as HTMLInputElement, document.getElementById('suggest') as HTMLUListElement);

onSessionChange(renderAccountNav);
void loadSession();

(async () => {
  try {
    const res = await api<{ categories: CategoryNode[] }>('/api/v1/categories');
    categories = res.categories;
    renderCategoryBar();
  } catch {
    /* the page itself reports errors */
  }
  await route();
})();
