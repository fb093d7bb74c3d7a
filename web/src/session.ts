// Who is shopping: the signed-in account (or none) and the cart's item count,
// kept in one place so the header always shows them. The CSRF token that comes
// with the session is handed to api() for every write.
import { api, send, setCsrfToken, Account, Cart, ApiError } from './api';

interface MeResponse { account: Account | null; csrf_token?: string }

let account: Account | null = null;
let cartCount = 0;
let loaded: Promise<void> | null = null;
const listeners: (() => void)[] = [];

export function currentAccount(): Account | null {
  return account;
}

export function cartItemCount(): number {
  return cartCount;
}

export function onSessionChange(fn: () => void): void {
  listeners.push(fn);
}

function changed(): void {
  for (const fn of listeners) fn();
}

// Loads the session once (GET /api/v1/auth/me); later calls wait for the same
// load. A shop whose auth API does not answer is treated as signed out.
export function loadSession(force = false): Promise<void> {
  if (!loaded || force) {
    loaded = (async () => {
      try {
        const me = await api<MeResponse>('/api/v1/auth/me');
        account = me.account ?? null;
        setCsrfToken(me.csrf_token);
      } catch (e) {
        account = null;
        if (e instanceof ApiError && e.status === 401) setCsrfToken(null);
      }
      await refreshCart();
    })();
  }
  return loaded;
}

// Records a cart the page has just read or changed, for the header's count.
export function noteCart(cart: Cart | null): void {
  if (cart) rememberProducts(cart.lines.filter((l) => l.kind === 'product'));
  const n = cart?.item_count ?? cart?.lines.reduce((s, l) => s + l.quantity, 0) ?? 0;
  if (n !== cartCount) {
    cartCount = n;
    changed();
  }
}

export async function refreshCart(): Promise<Cart | null> {
  try {
    const cart = await api<Cart>('/api/v1/cart');
    noteCart(cart);
    changed();
    return cart;
  } catch {
    changed();
    return null;
  }
}

export async function signIn(path: 'login' | 'register', body: Record<string, string>): Promise<Account> {
  const res = await send<MeResponse>('POST', `/api/v1/auth/${path}`, body);
  if (res.csrf_token) setCsrfToken(res.csrf_token);
  await loadSession(true);
  if (!account && res.account) {
    account = res.account;
    changed();
  }
  if (!account) throw new ApiError(500, 'no_session', 'Signed in, but the shop did not keep the session. Are cookies enabled?');
  return account;
}

export async function signOut(): Promise<void> {
  try {
    await send('POST', '/api/v1/auth/logout', {});
  } finally {
    account = null;
    setCsrfToken(null);
    await loadSession(true);
  }
}

// Order lines name standard products by SKU only; the titles (and product
// pages) seen while shopping are remembered here so an order reads in words.
const titlesKey = 'atelier.product_titles';
type KnownProduct = { title: string; id?: number };

function knownProducts(): Record<string, KnownProduct> {
  try {
    return JSON.parse(localStorage.getItem(titlesKey) ?? '{}') as Record<string, KnownProduct>;
  } catch {
    return {};
  }
}

export function rememberProducts(items: { sku: string; title: string; id?: number }[]): void {
  const known = knownProducts();
  for (const i of items) if (i.sku && i.title) known[i.sku] = { title: i.title, id: i.id ?? known[i.sku]?.id };
  const entries = Object.entries(known);
  // Keep the store small: the most recent few hundred products are plenty.
  try {
    localStorage.setItem(titlesKey, JSON.stringify(Object.fromEntries(entries.slice(-300))));
  } catch {
    /* storage full or disabled: titles fall back to SKUs */
  }
}

export function knownProduct(sku: string): KnownProduct | null {
  return knownProducts()[sku] ?? null;
}
