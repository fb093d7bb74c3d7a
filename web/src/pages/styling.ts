// A human personal shopper (stylist): the shopper fills a spec sheet, the shop
// assigns a stylist, and the stylist's picks arrive here with a note each.
// A pick is bought in one click (POST .../picks/{id}/buy with an
// Idempotency-Key: an order for that pick alone, the cart left as it is,
// shipped to the address saved on the account) or put in the cart; the
// conversation runs underneath. Without a saved address the shop answers 409
// (field "shipping"): the page says so, with a link to the account's
// address form that comes back here.
// Shown on /personal-shopper (the "Ask" panel) and on
// /personal-shopper?request=ID (one request).
import './styling.css';
import { ApiError, Money, SavedAddress, Selections, api, formatDate, formatMoney, savedAddress, send } from '../api';
import { h, clear } from '../dom';
import { Field, field, showError } from '../forms';
import { configurationSummary } from '../components';
import { loadModels } from '../configuration';
import { currentAccount, loadSession, refreshCart } from '../session';
import { navigate, PageContext } from '../main';

export interface SpecSheet {
  category: string;
  size: string;
  width: string;
  colour: string;
  likes: string[];
  dislikes: string[];
  budget: number | null;  // minor units
  notes: string;
}

export interface StylePick {
  id: number;
  kind: 'product' | 'configured';
  title: string;
  sku: string | null;
  product_id: number | null;
  model_id: string | null;
  model_version: number | null;
  selections: Selections | null;
  note: string;
  price: Money | null;
  problem: string | null;
  order_ids: number[];
  created_at: number;
}

export interface StyleMessage { id: number; author: 'shopper' | 'stylist'; mine: boolean; body: string; created_at: number }

export interface StyleRequest {
  id: number;
  state: 'open' | 'assigned' | 'closed';
  shopper: { id: number; email: string };
  stylist: { id: number; email: string } | null;
  spec_sheet: SpecSheet;
  created_at: number;
  updated_at: number;
  pick_count: number;
  message_count: number;
  picks?: StylePick[];
  messages?: StyleMessage[];
}

const widths: [string, string][] = [['', 'Any width'], ['N', 'Narrow'], ['M', 'Medium'], ['W', 'Wide'], ['XW', 'Extra wide']];

export function requestUrl(id: number): string {
  return `/personal-shopper?request=${id}`;
}

function stateText(r: StyleRequest): string {
  if (r.state === 'open') return 'Waiting for a stylist';
  if (r.state === 'closed') return 'Closed';
  return r.stylist ? `With ${r.stylist.email}` : 'Assigned';
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

// The spec sheet as labelled lines, for both sides.
export function specSheetView(s: SpecSheet): HTMLElement {
  const rows: [string, string][] = [];
  if (s.category) rows.push(['Category', s.category]);
  if (s.size) rows.push(['Size', s.size]);
  if (s.width) rows.push(['Width', widths.find(([id]) => id === s.width)?.[1] ?? s.width]);
  if (s.colour) rows.push(['Colour', s.colour]);
  if (s.likes.length) rows.push(['Likes', s.likes.join(', ')]);
  if (s.dislikes.length) rows.push(['Dislikes', s.dislikes.join(', ')]);
  if (s.budget != null) rows.push(['Budget', formatMoney({ amount: s.budget, currency: 'USD' })]);
  if (s.notes) rows.push(['Notes', s.notes]);
  return h('dl', { class: 'spec-sheet' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// ---- /personal-shopper: ask a stylist, and the shopper's requests ----

export function renderAskStylist(): HTMLElement {
  const section = h('section', { class: 'ask-stylist', id: 'ask-stylist', 'aria-labelledby': 'ask-h' },
    h('h2', { id: 'ask-h' }, 'Ask a personal shopper'),
    h('p', { class: 'hint' }, 'Prefer a person? Tell one of our stylists your sizes, what you love and what you avoid. They search the whole shop for you, and send picks with a note.'));
  const body = h('div', {});
  section.append(body);
  void (async () => {
    await loadSession();
    if (!currentAccount()) {
      body.append(h('p', {}, h('a', { href: '/login?next=/personal-shopper', 'data-link': true, class: 'button' }, 'Sign in to ask a stylist')));
      return;
    }
    body.append(askForm(), h('div', { class: 'my-requests' }));
    await fillMyRequests(body.querySelector('.my-requests') as HTMLElement);
  })();
  return section;
}

function askForm(): HTMLElement {
  const fields: Record<string, Field> = {
    category: field('category', 'What for', h('input', { id: 'ask-category', type: 'text', value: 'shoes', autocomplete: 'off' }), 'A category, e.g. shoes'),
    size: field('size', 'Size', h('input', { id: 'ask-size', type: 'text', inputmode: 'decimal', placeholder: 'e.g. 10.5' })),
    width: field('width', 'Width', h('select', { id: 'ask-width' }, widths.map(([v, l]) => h('option', { value: v }, l)))),
    colour: field('colour', 'Colour', h('input', { id: 'ask-colour', type: 'text', placeholder: 'e.g. burgundy' })),
    likes: field('likes', 'Likes', h('input', { id: 'ask-likes', type: 'text', placeholder: 'leather, low heels' }), 'Separate with commas'),
    dislikes: field('dislikes', 'Dislikes', h('input', { id: 'ask-dislikes', type: 'text', placeholder: 'suede' }), 'Separate with commas'),
    budget: field('budget', 'Budget (USD)', h('input', { id: 'ask-budget', type: 'number', min: '1', step: '1', inputmode: 'numeric', placeholder: 'e.g. 250' })),
    notes: field('notes', 'Anything else', h('textarea', { id: 'ask-notes', rows: 3, placeholder: 'The occasion, what you wear it with, what did not fit before…' })),
  };
  const general = h('p', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Ask a stylist');
  const form = h('form', { class: 'ask-form', novalidate: true },
    h('div', { class: 'ask-grid' }, fields.category.wrap, fields.size.wrap, fields.width.wrap, fields.colour.wrap,
      fields.likes.wrap, fields.dislikes.wrap, fields.budget.wrap),
    fields.notes.wrap, general, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = (n: string) => fields[n].input.value.trim();
    const budgetText = v('budget');
    // Likes and dislikes are sent as lists; their errors ("likes[1]") land on the field.
    const errorFields = { ...fields, 'likes': fields.likes, 'dislikes': fields.dislikes };
    const body = {
      category: v('category'), size: v('size'), width: v('width'), colour: v('colour'),
      likes: list(v('likes')), dislikes: list(v('dislikes')),
      budget: budgetText ? Math.round(Number(budgetText) * 100) : null, notes: v('notes'),
    };
    if (budgetText && !(Number(budgetText) > 0)) {
      showError(new ApiError(400, 'invalid_argument', 'Enter a budget above zero, or leave it empty.', 'budget'), errorFields, general);
      return;
    }
    submit.disabled = true;
    try {
      const created = await send<StyleRequest>('POST', '/api/v1/stylist-requests', body);
      navigate(requestUrl(created.id));
    } catch (err) {
      const field = err instanceof ApiError ? (err.field ?? '').replace(/\[\d+\]$/, '') : '';
      showError(err instanceof ApiError ? new ApiError(err.status, err.code, err.message, field) : err, errorFields, general);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

async function fillMyRequests(box: HTMLElement): Promise<void> {
  clear(box);
  try {
    const res = await api<{ items: StyleRequest[]; total: number }>('/api/v1/stylist-requests');
    if (!res.items.length) return;
    box.append(h('h3', {}, 'Your requests'),
      h('ul', { class: 'request-list' }, res.items.map((r) =>
        h('li', {},
          h('a', { href: requestUrl(r.id), 'data-link': true }, `Request #${r.id}`),
          h('span', { class: `state ${r.state}` }, stateText(r)),
          h('span', { class: 'muted' }, `${r.pick_count} pick${r.pick_count === 1 ? '' : 's'} · ${r.message_count} message${r.message_count === 1 ? '' : 's'}`)))));
  } catch (e) {
    box.append(h('p', { class: 'field-error' }, (e as Error).message));
  }
}

// ---- /personal-shopper?request=ID: picks, notes, one-click buy, messages ----

function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// The thread with a reply form; `reload` redraws the page after a post.
export function thread(r: StyleRequest, viewer: 'shopper' | 'stylist', reload: () => Promise<void>): HTMLElement {
  const other = viewer === 'shopper' ? 'Your stylist' : 'Shopper';
  const messages = r.messages ?? [];
  const log = h('ol', { class: 'thread', 'aria-label': 'Messages' },
    messages.length ? messages.map((m) => h('li', { class: m.mine ? 'mine' : 'theirs' },
      h('span', { class: 'who' }, m.mine ? 'You' : other),
      h('p', {}, m.body),
      h('time', { datetime: new Date(m.created_at * 1000).toISOString() }, formatDate(m.created_at * 1000, true))))
      : h('li', { class: 'empty' }, 'No messages yet.'));
  if (r.state === 'closed') return h('section', { class: 'messages', 'aria-labelledby': 'msg-h' }, h('h2', { id: 'msg-h' }, 'Messages'), log);
  const input = h('textarea', { rows: 2, id: `msg-body-${viewer}`, placeholder: viewer === 'shopper' ? 'Ask about a pick, or say what to change' : 'Write to the shopper' });
  const f = field('body', viewer === 'shopper' ? 'Write to your stylist' : 'Write to the shopper', input);
  const general = h('p', { class: 'field-error', role: 'alert' });
  const sendButton = h('button', { type: 'submit', class: 'button primary' }, 'Send');
  const form = h('form', { class: 'message-form', novalidate: true }, f.wrap, general, sendButton);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    sendButton.disabled = true;
    try {
      await send('POST', `/api/v1/stylist-requests/${r.id}/messages`, { body: input.value });
      await reload();
      (document.getElementById(input.id) as HTMLTextAreaElement | null)?.focus();
    } catch (err) {
      showError(err, { body: f }, general);
    } finally {
      sendButton.disabled = false;
    }
  });
  return h('section', { class: 'messages', 'aria-labelledby': 'msg-h' }, h('h2', { id: 'msg-h' }, 'Messages'), log, form);
}

export async function renderStyleRequest(ctx: PageContext, idText: string): Promise<void> {
  document.title = 'Your personal shopper · Atelier';
  await loadSession();
  if (!currentAccount()) {
    clear(ctx.main);
    ctx.main.append(h('div', { class: 'notice' }, h('h1', {}, 'Sign in to see your stylist’s picks'),
      h('a', { href: `/login?next=${encodeURIComponent(requestUrl(Number(idText)))}`, 'data-link': true, class: 'button primary' }, 'Sign in')));
    return;
  }
  const id = Number(idText);
  const draw = async (): Promise<void> => {
    let r: StyleRequest;
    try {
      r = await api<StyleRequest>(`/api/v1/stylist-requests/${id}`);
    } catch (e) {
      clear(ctx.main);
      const missing = e instanceof ApiError && e.status === 404;
      ctx.main.append(h('div', { class: 'notice' }, h('h1', {}, missing ? 'Request not found' : 'Something went wrong'),
        h('p', {}, missing ? 'There is no such request on your account.' : (e as Error).message),
        h('a', { href: '/personal-shopper', 'data-link': true }, 'Back to the personal shopper')));
      return;
    }
    const picks = r.picks ?? [];
    const [models, ship] = await Promise.all([
      loadModels([...new Set(picks.filter((p) => p.model_id).map((p) => p.model_id as string))]),
      picks.length ? savedAddress().catch(() => null) : Promise.resolve(null)]);
    const pickSection = h('section', { class: 'picks', 'aria-labelledby': 'picks-h' },
      h('h2', { id: 'picks-h' }, 'Your stylist’s picks'),
      picks.length ? buyHint(r, ship) : null,
      picks.length ? h('ul', { class: 'pick-list' }, picks.map((p) => pickCard(r, p, models.get(p.model_id ?? '') ?? null)))
        : h('p', { class: 'empty' }, r.state === 'open'
          ? 'Your request is waiting for a stylist. Picks appear here as soon as one starts on it.'
          : 'Your stylist is looking. Picks appear here with a note each.'));
    const closeButton = r.state !== 'closed' ? h('button', { type: 'button', class: 'button subtle small' }, 'Close this request') : null;
    closeButton?.addEventListener('click', async () => {
      closeButton.disabled = true;
      try {
        await send('POST', `/api/v1/stylist-requests/${r.id}/close`, {});
        await draw();
      } catch (e) {
        closeButton.disabled = false;
        closeButton.after(h('p', { class: 'field-error', role: 'alert' }, (e as Error).message));
      }
    });
    clear(ctx.main);
    ctx.main.append(
      h('p', { class: 'crumbs' }, h('a', { href: '/personal-shopper', 'data-link': true }, 'Personal shopper'), ` › Request #${r.id}`),
      h('div', { class: 'request-head' },
        h('div', {}, h('h1', {}, 'Your personal shopper'),
          h('p', { class: `state ${r.state}` }, stateText(r))),
        closeButton),
      h('div', { class: 'request-layout' },
        h('div', { class: 'request-main' }, pickSection, thread(r, 'shopper', draw)),
        h('aside', { class: 'request-side', 'aria-labelledby': 'sheet-h' }, h('h2', { id: 'sheet-h' }, 'Your spec sheet'), specSheetView(r.spec_sheet))));
  };
  await draw();
}

// The account's address form, coming back to this request once saved.
function addressUrl(r: StyleRequest): string {
  return `/account?next=${encodeURIComponent(requestUrl(r.id))}#address`;
}

// What "Buy now" does and where it ships: the saved address, or a link to
// add one (without it a one-click buy cannot go through).
function buyHint(r: StyleRequest, ship: SavedAddress | null): HTMLElement {
  const where = ship ? [ship.name, [ship.city, ship.state].filter(Boolean).join(', ')].filter(Boolean).join(', ') : '';
  return h('p', { class: 'hint', id: 'buy-hint' },
    '“Buy now” orders that pick alone, one of it; whatever is in your cart stays there. ',
    ship
      ? h('span', { class: 'ships-to' }, `It ships to ${where}. `, h('a', { href: addressUrl(r), 'data-link': true }, 'Change address'))
      : h('span', { class: 'ships-to' }, 'It ships to the address saved on your account: ', h('a', { href: addressUrl(r), 'data-link': true }, 'add your address'), ' first.'));
}

function pickCard(r: StyleRequest, p: StylePick, model: Parameters<typeof configurationSummary>[0]): HTMLElement {
  const titleId = `pick-${p.id}-title`;
  const status = h('p', { class: 'pick-status', role: 'status' });
  const buy = h('button', { type: 'button', class: 'button primary', disabled: !!p.problem, 'aria-describedby': `${titleId} buy-hint` }, 'Buy now');
  const cart = h('button', { type: 'button', class: 'button', disabled: !!p.problem, 'aria-describedby': titleId }, 'Add to cart');
  // One key per purchase attempt, kept across retries of the same click.
  let key = '';
  buy.addEventListener('click', async () => {
    key ||= newKey();
    buy.disabled = cart.disabled = true;
    status.className = 'pick-status';
    status.textContent = 'Placing your order…';
    try {
      const res = await send<{ order: { id: number } }>('POST', `/api/v1/stylist-requests/${r.id}/picks/${p.id}/buy`, {}, { 'Idempotency-Key': key });
      key = '';
      await refreshCart();
      navigate(`/orders/${res.order.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.status < 500) key = '';
      status.className = 'pick-status field-error';
      status.textContent = (e as Error).message;
      if (e instanceof ApiError && e.status === 409 && e.field === 'shipping') {
        // No saved address: say so in the shop's words, and where to add one.
        clear(status);
        const text = e.message.charAt(0).toUpperCase() + e.message.slice(1);
        status.append(/[.!]$/.test(text) ? text : `${text}.`, ' ',
          h('a', { href: addressUrl(r), 'data-link': true, class: 'add-address' }, 'Add your address'));
      }
      buy.disabled = cart.disabled = false;
    }
  });
  cart.addEventListener('click', async () => {
    buy.disabled = cart.disabled = true;
    try {
      await send('POST', `/api/v1/stylist-requests/${r.id}/picks/${p.id}/cart`, {});
      await refreshCart();
      status.className = 'pick-status ok';
      clear(status);
      status.append('Added to your cart. ', h('a', { href: '/cart', 'data-link': true }, 'View cart'));
    } catch (e) {
      status.className = 'pick-status field-error';
      status.textContent = (e as Error).message;
    } finally {
      buy.disabled = cart.disabled = !!p.problem;
    }
  });
  const titleLink = p.product_id ? h('a', { href: `/p/${p.product_id}`, 'data-link': true }, p.title) : p.title;
  return h('li', { class: 'pick', 'aria-labelledby': titleId },
    h('div', { class: 'pick-head' },
      h('h3', { id: titleId }, titleLink),
      h('span', { class: 'price' }, p.price ? formatMoney(p.price) : '')),
    p.kind === 'configured' ? h('span', { class: 'badge custom' }, 'Made for you') : null,
    p.selections ? configurationSummary(model, p.selections, undefined, 6) : null,
    p.note ? h('blockquote', { class: 'pick-note' }, h('span', { class: 'visually-hidden' }, 'Stylist’s note: '), p.note) : null,
    p.problem ? h('p', { class: 'field-error' }, p.problem) : null,
    h('div', { class: 'pick-actions' }, buy, cart),
    status,
    p.order_ids.length ? h('p', { class: 'bought' }, 'Bought: ',
      p.order_ids.flatMap((o, i) => [i ? ', ' : '', h('a', { href: `/orders/${o}`, 'data-link': true }, `order #${o}`)])) : null);
}
