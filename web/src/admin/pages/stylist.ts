// The stylist workspace (/admin/stylist): a personal shopper signs in with
// their staff account (a session, not a merchant API key: every pick and
// message is signed by the person who sent it), sees the shoppers assigned to
// them with their spec sheets, searches with the find tool prefilled from the
// sheet, sends picks with a note, and talks with the shopper.
import './stylist.css';
import { AdminApiError } from '../api';
import { h, money, uid } from '../dom';
import { clearErrors, field, loading, notice, showError } from '../ui';

interface Account { id: number; email: string; role: string }
interface SpecSheet { category: string; size: string; width: string; colour: string; likes: string[]; dislikes: string[]; budget: number | null; notes: string }
interface Money { amount: number; currency: string }
interface Pick {
  id: number; kind: 'product' | 'configured'; title: string; sku: string | null; product_id: number | null;
  model_id: string | null; selections: Record<string, string> | null; note: string; price: Money | null; problem: string | null; order_ids: number[];
}
interface Message { id: number; author: string; mine: boolean; body: string; created_at: number }
interface StyleRequest {
  id: number; state: 'open' | 'assigned' | 'closed'; shopper: { id: number; email: string }; stylist: { id: number; email: string } | null;
  spec_sheet: SpecSheet; created_at: number; updated_at: number; pick_count: number; message_count: number; picks?: Pick[]; messages?: Message[];
}
interface Check { field: string; text: string; ok: boolean }
interface Match {
  kind: 'product' | 'configuration'; product: { id: number; sku: string; title: string; brand?: string; model_id?: string | null };
  model_id: string | null; configuration: Record<string, string> | null; price: Money; meets: Check[]; prefers: Check[];
  stock: { location_name?: string; quantity?: number } | null;
}
interface FindResult { matches: Match[]; total: number; relaxations: { description: string; yield_count: number; examples: Match[] }[] }

// The staff session's CSRF token, echoed on every write.
let csrf = '';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: method === 'GET' ? undefined : JSON.stringify(body ?? {}) });
  } catch {
    throw new AdminApiError(0, 'network', 'The shop server cannot be reached. Check your connection and try again.', null);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  if (!res.ok) {
    const e = (parsed as { error?: { code?: string; message?: string; field?: string | null } } | null)?.error;
    throw new AdminApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `${res.status} ${res.statusText}`, e?.field ?? null);
  }
  return parsed as T;
}

async function me(): Promise<Account | null> {
  try {
    const r = await call<{ account: Account; csrf_token: string }>('GET', '/api/v1/auth/me');
    csrf = r.csrf_token;
    return r.account;
  } catch {
    csrf = '';
    return null;
  }
}

function when(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

function sheetView(s: SpecSheet): HTMLElement {
  const rows: [string, string][] = [];
  if (s.category) rows.push(['Category', s.category]);
  if (s.size) rows.push(['Size', s.size]);
  if (s.width) rows.push(['Width', s.width]);
  if (s.colour) rows.push(['Colour', s.colour]);
  if (s.likes.length) rows.push(['Likes', s.likes.join(', ')]);
  if (s.dislikes.length) rows.push(['Dislikes', s.dislikes.join(', ')]);
  if (s.budget != null) rows.push(['Budget', money(s.budget)]);
  if (s.notes) rows.push(['Notes', s.notes]);
  return h('dl', { class: 'sheet' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function configText(c: Record<string, string> | null): string {
  return c ? Object.entries(c).map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`).join(' · ') : '';
}

// Tells the dashboard who is signed in (it shows the Stylist section to a
// stylist without a merchant key).
function announce(account: Account | null): void {
  window.dispatchEvent(new CustomEvent('atelier:staff', { detail: account }));
}

export async function renderStylist(main: HTMLElement): Promise<void> {
  const account = await me();
  announce(account);
  if (!account || account.role !== 'stylist') {
    renderSignIn(main, account);
    return;
  }
  const selected = Number(new URLSearchParams(location.search).get('request') ?? 0);
  const signOut = h('button', { type: 'button', class: 'ghost small' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    await call('POST', '/api/v1/auth/logout').catch(() => null);
    csrf = '';
    announce(null);
    main.replaceChildren();
    renderSignIn(main, null);
  });
  const queue = h('nav', { class: 'queue card', 'aria-labelledby': 'queue-h' });
  const detail = h('section', { class: 'request-detail', 'aria-live': 'polite' });
  main.append(
    h('div', { class: 'stylist-head' },
      h('h1', {}, 'Stylist workspace'),
      h('p', { class: 'muted' }, `Signed in as ${account.email} `, signOut)),
    h('div', { class: 'stylist-layout' }, queue, detail));

  const showClosed = h('input', { type: 'checkbox', id: uid('closed') });
  async function loadQueue(current: number): Promise<void> {
    queue.replaceChildren(h('h2', { id: 'queue-h' }, 'Assigned shoppers'), loading());
    try {
      const res = await call<{ items: StyleRequest[] }>('GET', `/api/v1/stylist-requests?state=${showClosed.checked ? 'all' : 'active'}`);
      queue.replaceChildren(h('h2', { id: 'queue-h' }, 'Assigned shoppers'),
        h('div', { class: 'check' }, showClosed, h('label', { for: showClosed.id }, 'Show closed')));
      if (!res.items.length) {
        queue.append(h('p', { class: 'muted' }, 'No shoppers assigned to you right now. New requests go to the stylist with the fewest open ones.'));
        return;
      }
      queue.append(h('ul', { class: 'queue-list' }, res.items.map((r) => {
        const a = h('a', { href: `/admin/stylist?request=${r.id}`, 'aria-current': r.id === current ? 'true' : null },
          h('strong', {}, r.shopper.email),
          h('span', {}, [r.spec_sheet.category, r.spec_sheet.size && `size ${r.spec_sheet.size}`, r.spec_sheet.width].filter(Boolean).join(' · ') || 'No sizes given'),
          h('span', { class: 'muted' }, `#${r.id} · ${r.state} · ${r.pick_count} pick${r.pick_count === 1 ? '' : 's'} · ${r.message_count} message${r.message_count === 1 ? '' : 's'}`));
        a.addEventListener('click', (e) => {
          e.preventDefault();
          history.pushState(null, '', `/admin/stylist?request=${r.id}`);
          void open(r.id);
        });
        return h('li', {}, a);
      })));
      if (!current && res.items[0]) void open(res.items[0].id, false);
    } catch (err) {
      queue.replaceChildren(h('h2', { id: 'queue-h' }, 'Assigned shoppers'));
      showError(queue, err);
    }
  }
  showClosed.addEventListener('change', () => void loadQueue(selected));

  async function open(id: number, refreshQueue = true): Promise<void> {
    if (refreshQueue) {
      for (const a of queue.querySelectorAll('a')) {
        if (a.getAttribute('href') === `/admin/stylist?request=${id}`) a.setAttribute('aria-current', 'true');
        else a.removeAttribute('aria-current');
      }
    }
    detail.replaceChildren(loading('Loading the request…'));
    let r: StyleRequest;
    try {
      r = await call<StyleRequest>('GET', `/api/v1/stylist-requests/${id}`);
    } catch (err) {
      detail.replaceChildren();
      showError(detail, err);
      return;
    }
    renderRequest(detail, r, () => open(id, false), () => loadQueue(id));
  }

  await loadQueue(selected);
  if (selected) await open(selected);
}

function renderSignIn(main: HTMLElement, signedInAs: Account | null): void {
  const email = field('Email', h('input', { type: 'email', autocomplete: 'username', required: true }), 'email');
  const password = field('Password', h('input', { type: 'password', autocomplete: 'current-password', required: true }), 'password');
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'login card', novalidate: true },
    h('h1', {}, 'Stylist workspace'),
    h('p', { class: 'muted' }, signedInAs
      ? `You are signed in as ${signedInAs.email}, which is not a stylist account. Sign in with your stylist account.`
      : 'Sign in with your stylist account to see the shoppers assigned to you.'),
    email.wrap, password.wrap, button,
    h('p', { class: 'help' }, 'Stylist accounts are created on the server with ', h('code', {}, 'atelier admin create-staff --role stylist'), '.'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!email.control.value.trim()) {
      email.error.textContent = 'Enter your email.';
      email.control.setAttribute('aria-invalid', 'true');
      email.control.focus();
      return;
    }
    button.disabled = true;
    try {
      const res = await call<{ account: Account; csrf_token: string }>('POST', '/api/v1/auth/login', { email: email.control.value, password: password.control.value });
      csrf = res.csrf_token;
      if (res.account.role !== 'stylist') {
        password.error.textContent = 'This account is not a stylist account.';
        return;
      }
      main.replaceChildren();
      await renderStylist(main);
    } catch (err) {
      if (err instanceof AdminApiError && err.status === 401) {
        password.error.textContent = err.message;
        password.control.setAttribute('aria-invalid', 'true');
        password.control.focus();
      } else {
        showError(form, err);
      }
    } finally {
      button.disabled = false;
    }
  });
  main.append(form);
  email.control.focus();
}

function renderRequest(root: HTMLElement, r: StyleRequest, reload: () => Promise<void>, reloadQueue: () => Promise<void>): void {
  const closed = r.state === 'closed';
  const closeButton = closed ? null : h('button', { type: 'button', class: 'ghost small' }, 'Close request');
  closeButton?.addEventListener('click', async () => {
    closeButton.disabled = true;
    try {
      await call('POST', `/api/v1/stylist-requests/${r.id}/close`);
      await reload();
      await reloadQueue();
    } catch (err) {
      closeButton.disabled = false;
      showError(root, err);
    }
  });
  let picksCard = sentPicks(r.picks ?? []);
  // A sent pick refreshes only this card: the search results stay, so the
  // stylist can send several of them.
  const refreshPicks = async (): Promise<void> => {
    const fresh = await call<StyleRequest>('GET', `/api/v1/stylist-requests/${r.id}`);
    const card = sentPicks(fresh.picks ?? []);
    picksCard.replaceWith(card);
    picksCard = card;
    await reloadQueue();
  };
  root.replaceChildren(...[
    h('div', { class: 'card request-card' },
      h('div', { class: 'request-title' },
        h('h2', {}, `${r.shopper.email}`, h('span', { class: `pill ${r.state}` }, r.state)),
        closeButton),
      h('p', { class: 'muted' }, `Request #${r.id}, asked ${when(r.created_at)}`),
      sheetView(r.spec_sheet)),
    closed ? null : findTool(r, refreshPicks),
    picksCard,
    conversation(r, reload)].filter((x): x is HTMLElement => x !== null));
}

function sentPicks(picks: Pick[]): HTMLElement {
  return h('div', { class: 'card sent' },
    h('h2', {}, `Picks sent (${picks.length})`),
    picks.length ? h('ul', { class: 'sent-picks' }, picks.map((p) => h('li', {},
      h('strong', {}, p.title), ' ', h('span', { class: 'muted' }, p.price ? money(p.price.amount, p.price.currency) : p.problem ?? ''),
      p.selections ? h('div', { class: 'help' }, configText(p.selections)) : null,
      p.note ? h('blockquote', {}, p.note) : null,
      p.order_ids.length ? h('p', { class: 'bought' }, `Bought: order ${p.order_ids.map((o) => `#${o}`).join(', ')}`) : null)))
      : h('p', { class: 'muted' }, 'No picks yet. Search with the find tool and send the best with a note.'));
}

function findTool(r: StyleRequest, picked: () => Promise<void>): HTMLElement {
  const s = r.spec_sheet;
  const category = field('Category', h('input', { type: 'text', value: s.category }), 'category');
  const size = field('Size', h('input', { type: 'text', value: s.size, inputmode: 'decimal' }), 'size');
  const width = field('Width', h('input', { type: 'text', value: s.width }), 'width');
  const colour = field('Colour', h('input', { type: 'text', value: s.colour }), 'colour');
  const budget = field('Budget (USD)', h('input', { type: 'number', min: '0', step: '1', value: s.budget != null ? String(s.budget / 100) : '' }), 'budget');
  const kind = field('Show', h('select', {},
    h('option', { value: 'any' }, 'Everything'),
    h('option', { value: 'product' }, 'In stock'),
    h('option', { value: 'configuration' }, 'Made to order')), 'kind');
  const button = h('button', { type: 'submit' }, 'Find');
  const results = h('div', { class: 'find-results', 'aria-live': 'polite' });
  const form = h('form', { class: 'card find-form', novalidate: true },
    h('h2', {}, 'Find for this shopper'),
    h('p', { class: 'help' }, 'Prefilled from the spec sheet: size, width and colour must match; the budget caps the price. Clear a field to search more widely.'),
    h('div', { class: 'find-grid' }, category.wrap, size.wrap, width.wrap, colour.wrap, budget.wrap, kind.wrap),
    h('div', { class: 'toolbar compact' }, button),
    results);
  const specFields: [string, HTMLInputElement, string][] = [['size', size.control, 'size'], ['width', width.control, 'width'], ['colour', colour.control, 'colour']];
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const specs = specFields.filter(([, input]) => input.value.trim()).map(([name, input]) => {
      const v = input.value.trim();
      return { field: name, value: /^\d+(\.\d+)?$/.test(v) ? Number(v) : v };
    });
    const body: Record<string, unknown> = { specs, kind: kind.control.value, limit: 8, category: category.control.value.trim() };
    if (budget.control.value.trim()) body.budget = Math.round(Number(budget.control.value) * 100);
    button.disabled = true;
    results.replaceChildren(loading('Searching…'));
    try {
      const res = await call<FindResult>('POST', '/api/v1/shopper/find', body);
      showMatches(res);
    } catch (err) {
      results.replaceChildren();
      // "specs[1].value" is the second spec sent: put it on its input.
      if (err instanceof AdminApiError && err.field?.startsWith('specs[')) {
        const index = Number(err.field.slice(6, err.field.indexOf(']')));
        const sent = specs[index]?.field;
        if (sent) err.field = sent;
      }
      showError(form, err, results);
    } finally {
      button.disabled = false;
    }
  });

  function showMatches(res: FindResult): void {
    results.replaceChildren();
    if (res.matches.length) {
      results.append(h('p', { class: 'muted' }, `${res.total} match${res.total === 1 ? '' : 'es'}; the best ${res.matches.length}:`),
        h('ul', { class: 'matches' }, res.matches.map((m) => matchItem(m))));
      return;
    }
    results.append(notice('Nothing meets every spec. Closest changes:'));
    const examples = res.relaxations.flatMap((x) => x.examples.slice(0, 2).map((m) => [x.description, m] as const));
    if (!examples.length) {
      results.append(h('p', { class: 'muted' }, 'Nothing comes close; clear a spec or raise the budget.'));
      return;
    }
    results.append(h('ul', { class: 'matches' }, examples.map(([why, m]) => matchItem(m, why))));
  }

  function matchItem(m: Match, relaxed?: string): HTMLElement {
    const configured = m.kind === 'configuration' || !!(m.configuration && m.model_id);
    const title = configured ? `${m.product.title} (made to order)` : m.product.title;
    const noteId = uid('note');
    const note = h('textarea', { id: noteId, rows: 2, placeholder: 'Why this one, for this shopper' });
    const error = h('p', { class: 'field-error', id: `${noteId}-error`, role: 'alert' });
    note.setAttribute('aria-describedby', error.id);
    const send = h('button', { type: 'button', class: 'small' }, 'Send pick');
    send.addEventListener('click', async () => {
      send.disabled = true;
      error.textContent = '';
      const body = configured
        ? { model_id: m.model_id ?? m.product.model_id, selections: m.configuration, note: note.value }
        : { sku: m.product.sku, note: note.value };
      try {
        await call('POST', `/api/v1/stylist-requests/${r.id}/picks`, body);
        send.textContent = 'Sent ✓';
        note.disabled = true;
        await picked();
      } catch (err) {
        error.textContent = err instanceof Error ? err.message : String(err);
        note.setAttribute('aria-invalid', 'true');
        send.disabled = false;
      }
    });
    return h('li', { class: 'match' },
      h('div', { class: 'match-head' },
        h('strong', {}, title), h('span', { class: 'price' }, money(m.price.amount, m.price.currency))),
      h('p', { class: 'help' }, configured ? configText(m.configuration) : `SKU ${m.product.sku}${m.stock?.location_name ? ` · in stock at ${m.stock.location_name}` : ''}`),
      relaxed ? h('p', { class: 'help' }, `If: ${relaxed}`) : null,
      m.meets.length ? h('p', { class: 'meets' }, m.meets.map((c) => h('span', { class: c.ok ? 'ok' : 'bad' }, `${c.ok ? '✓' : '✗'} ${c.text.replace(/\s*[✓✗]\s*$/, '')}`))) : null,
      h('div', { class: 'pick-row' },
        h('div', { class: 'field' }, h('label', { for: noteId }, `Note for ${title}`), note, error),
        send));
  }
  return form;
}

function conversation(r: StyleRequest, reload: () => Promise<void>): HTMLElement {
  const messages = r.messages ?? [];
  const log = h('ol', { class: 'chat', 'aria-label': 'Messages' },
    messages.length ? messages.map((m) => h('li', { class: m.mine ? 'mine' : 'theirs' },
      h('span', { class: 'who' }, m.mine ? 'You' : 'Shopper'), h('p', {}, m.body), h('time', {}, when(m.created_at))))
      : h('li', { class: 'empty muted' }, 'No messages yet.'));
  const card = h('div', { class: 'card' }, h('h2', {}, 'Conversation'), log);
  if (r.state === 'closed') return card;
  const body = field('Message to the shopper', h('textarea', { rows: 2 }), 'body');
  const button = h('button', { type: 'submit' }, 'Send message');
  const form = h('form', { class: 'chat-form', novalidate: true }, body.wrap, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    button.disabled = true;
    try {
      await call('POST', `/api/v1/stylist-requests/${r.id}/messages`, { body: body.control.value });
      await reload();
    } catch (err) {
      showError(form, err);
    } finally {
      button.disabled = false;
    }
  });
  card.append(form);
  return card;
}
