// Search-as-you-type: after a short pause, shows the top matches for what has
// been typed so far (the last word counts as a prefix). Arrow keys move
// through the list, Enter opens, Escape closes.
import { api, SearchResponse, formatMoney } from './api';
import { h, clear } from './dom';
import { navigate } from './main';

export function attachSuggest(input: HTMLInputElement, list: HTMLUListElement): void {
  let timer: number | undefined;
  let seq = 0;
  let active = -1;

  const close = () => {
    list.hidden = true;
    active = -1;
    input.setAttribute('aria-expanded', 'false');
  };
  const highlight = (i: number) => {
    const items = Array.from(list.children) as HTMLElement[];
    items.forEach((el, j) => el.setAttribute('aria-selected', String(i === j)));
    active = i;
  };

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) return close();
    timer = window.setTimeout(async () => {
      const mine = ++seq;
      try {
        const res = await api<SearchResponse>(`/api/v1/search?q=${encodeURIComponent(q)}&per_page=6`);
        if (mine !== seq) return;
        clear(list);
        if (res.suggestion) {
          list.append(h('li', { role: 'option', class: 'suggest-fix', 'data-href': `/search?q=${encodeURIComponent(res.suggestion)}` }, 'Did you mean ', h('strong', {}, res.suggestion), '?'));
        }
        for (const p of res.items) {
          list.append(h('li', { role: 'option', 'data-href': `/p/${p.id}` }, h('span', {}, p.title), h('span', { class: 'price' }, formatMoney(p.price))));
        }
        list.hidden = list.children.length === 0;
        input.setAttribute('aria-expanded', String(!list.hidden));
        active = -1;
      } catch {
        close();
      }
    }, 120);
  });
  input.addEventListener('keydown', (e) => {
    const n = list.children.length;
    if (list.hidden || n === 0) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % n); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight((active - 1 + n) % n); }
    else if (e.key === 'Escape') close();
    else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      const href = (list.children[active] as HTMLElement).dataset.href!;
      close();
      navigate(href);
    }
  });
  list.addEventListener('mousedown', (e) => {
    const li = (e.target as Element).closest('li') as HTMLElement | null;
    if (!li?.dataset.href) return;
    e.preventDefault();
    close();
    navigate(li.dataset.href);
  });
  input.addEventListener('blur', () => window.setTimeout(close, 100));
}
