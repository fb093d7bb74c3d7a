// The configurator: every option of a product model with the values still
// possible after the shopper's picks, why the others are not (and how to get
// them), the live price and its range, the number of configurations left,
// personalization with a live preview, and then where to get it: in stock,
// a close alternative, or built to order.
//
// The server is stateless: every change sends all picks and shows the state
// that comes back. Requests carry a sequence number; an answer to anything
// but the latest request is dropped, so the page never shows a stale state.
import { api, ApiError, ConfigureState, ModelOption, OptionState, PersonalizationField, ProductModel, Selections, ValueState, formatCount, formatMoney } from '../api';
import { h, clear } from '../dom';
import { candyPreview, carPreview, colourOf, fontStack, isColourOption, shoePreview, tabletPreview } from '../preview';
import { availabilityPanel, AvailabilityPanel } from '../availability';
import { Draft, charCount, configureUrl, linkPersonalization, parsePictureValue, personalizationInputs, pictureWords, truncateChars, uploadUrl } from '../configuration';
import { currentAccount, loadSession } from '../session';
import type { PageContext } from '../main';

// What configure answers in addition when it starts from an order line.
interface SourceAnswer {
  source?: { order_id?: number; line_id?: number; configuration?: Selections };
  changed?: { option_id: string; was: string; reason: string }[];
}

function draftFromQuery(model: ProductModel, query: URLSearchParams): Draft {
  const d: Draft = { model, selections: {}, text: {}, images: {} };
  for (const o of model.options) {
    const v = query.get(o.id);
    if (v !== null && o.values.some((x) => x.id === v)) d.selections[o.id] = v;
  }
  for (const f of model.personalization) {
    if (f.type !== 'text') {
      // A picture uploaded before (this page's link, a past order's line).
      const picture = parsePictureValue(query.get(`p.${f.id}`) ?? '');
      if (picture) d.images[f.id] = { ...picture, name: 'Your picture', image: null };
      continue;
    }
    const text = query.get(`p.${f.id}`);
    const font = query.get(`p.${f.id}.font`);
    d.text[f.id] = { lines: (text ?? '').split('\n').slice(0, f.max_lines ?? 1), font: font ?? f.fonts?.[0]?.id };
  }
  return d;
}

// The shop's answer to a refused picture, in a shopper's words.
function uploadErrorText(name: string, e: unknown): string {
  if (!(e instanceof ApiError)) return 'The picture could not be uploaded. Check your connection and try again.';
  if (e.status === 401) return 'Your session has ended: sign in again to add a picture.';
  if (/not a PNG or JPEG/.test(e.message)) return `${name} is not a PNG or JPEG picture (the shop reads the file itself, not its name). Please choose a photo saved as PNG or JPEG.`;
  return e.message.charAt(0).toUpperCase() + e.message.slice(1);
}

function deltaText(v: { price_delta: { amount: number; currency: string } }): string {
  const a = v.price_delta.amount;
  if (a === 0) return '';
  return `${a > 0 ? '+' : '−'}${formatMoney({ ...v.price_delta, amount: Math.abs(a) })}`;
}

// The rule's message without the server's "(remove Engine: …)" tail: the
// repair offer lists the picks to drop itself.
function reasonText(v: ValueState): string {
  return (v.reason?.message ?? '').replace(/\s*\(remove [^)]*\)\s*$/, '');
}

// Each option's values are one stop for Tab; the arrow keys (and Home/End)
// move between them, as in a toolbar.
function arrowKeys(event: Event): void {
  const e = event as KeyboardEvent;
  const buttons = Array.from((e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button.chip'));
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  if (at < 0) return;
  const to = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? Math.min(at + 1, buttons.length - 1)
    : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? Math.max(at - 1, 0)
      : e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : -1;
  if (to < 0) return;
  e.preventDefault();
  buttons[to].focus();
}

function rove(e: Event): void {
  const target = e.target as HTMLElement;
  if (!target.classList.contains('chip')) return;
  (e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button.chip').forEach((b) => (b.tabIndex = b === target ? 0 : -1));
}

// Shifts a reason tooltip left when it would stick out of a narrow screen.
function keepInView(tip: HTMLElement): void {
  tip.style.left = '';
  requestAnimationFrame(() => {
    const r = tip.getBoundingClientRect();
    const over = r.right - (document.documentElement.clientWidth - 8);
    if (r.width && over > 0) tip.style.left = `${-over}px`;
  });
}

// Options grouped the way a shopper thinks of them: the product itself, then
// packages (yes/no options), then accessories (options one may leave out).
function groupOptions(model: ProductModel): [string, ModelOption[]][] {
  const main = model.options.filter((o) => o.kind !== 'bool' && !o.optional);
  const packages = model.options.filter((o) => o.kind === 'bool');
  const extras = model.options.filter((o) => o.kind !== 'bool' && o.optional);
  const groups: [string, ModelOption[]][] = [];
  if (main.length) groups.push([`Your ${model.name}`, main]);
  if (packages.length) groups.push(['Packages and extras', packages]);
  if (extras.length) groups.push(['Accessories', extras]);
  return groups;
}

export async function renderConfigure(ctx: PageContext): Promise<void> {
  const [model] = await Promise.all([api<ProductModel>(`/api/v1/models/${encodeURIComponent(ctx.params.id)}`), loadSession()]);
  const draft = draftFromQuery(model, ctx.query);
  document.title = `Configure your ${model.name} · Atelier`;
  clear(ctx.main);

  let state: ConfigureState | null = null;
  let seq = 0;
  // "Same as this order, but…": the first request starts from the order line.
  const fromOrder = Number(ctx.query.get('from_order') ?? 0);
  let source: { order_id: number; line_id: number } | null = fromOrder > 0 ? { order_id: fromOrder, line_id: Number(ctx.query.get('line') ?? 1) || 1 } : null;
  const sourceBox = h('div', { class: 'notice source', role: 'status', hidden: true });
  let timer: number | undefined;
  const optionLabel = (id: string) => model.options.find((o) => o.id === id)?.label ?? id;
  const valueLabel = (optionId: string, valueId: string) =>
    model.options.find((o) => o.id === optionId)?.values.find((v) => v.id === valueId)?.label ?? valueId;
  // A pick in words: "Engine: 3.5 V6", "the towing package", "no roof rails".
  const pickLabel = (optionId: string, valueId: string) => {
    const o = model.options.find((x) => x.id === optionId);
    if (o?.kind === 'bool') return `${valueId === 'true' ? 'the' : 'no'} ${o.label.toLowerCase()}`;
    return `${optionLabel(optionId)}: ${valueLabel(optionId, valueId)}`;
  };

  // ---- Options ----
  type Chip = { button: HTMLButtonElement; why: HTMLElement; delta: HTMLElement; popular: HTMLElement; sr: HTMLElement };
  const chips = new Map<string, Map<string, Chip>>();
  const optionStatus = new Map<string, HTMLElement>();
  const repairs = new Map<string, HTMLElement>();

  function optionFieldset(o: ModelOption): HTMLElement {
    const status = h('span', { class: 'opt-status' });
    optionStatus.set(o.id, status);
    const repair = h('div', { class: 'repair', hidden: true });
    repairs.set(o.id, repair);
    const byValue = new Map<string, Chip>();
    chips.set(o.id, byValue);
    const colour = isColourOption(o.id);
    const row = h('div', { class: `chips${o.values.length > 12 ? ' dense' : ''}`, role: 'group', 'aria-label': o.label, onkeydown: arrowKeys, onfocusin: rove }, o.values.map((v, i) => {
      const whyId = `why-${o.id}-${v.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
      const why = h('span', { class: 'why', id: whyId, role: 'tooltip' });
      const delta = h('span', { class: 'delta' }, deltaText(v));
      const popular = h('span', { class: 'popular', hidden: true }, 'Popular');
      const sr = h('span', { class: 'visually-hidden' });
      const swatch = colour && colourOf(v.id) !== null && colourOf(v.id) !== ''
        ? h('span', { class: 'swatch', style: `background:${colourOf(v.id)}`, 'aria-hidden': 'true' }) : null;
      const label = o.kind === 'bool' ? (v.id === 'true' ? 'Yes' : 'No') : v.label;
      const button = h('button', { type: 'button', class: 'chip', tabindex: i === 0 ? '0' : '-1', 'aria-pressed': 'false', 'data-option': o.id, 'data-value': v.id, onclick: () => pick(o.id, v.id) },
        swatch, h('span', { class: 'chip-label' }, label), delta, popular, sr);
      byValue.set(v.id, { button, why, delta, popular, sr });
      return h('span', { class: 'chip-wrap', onmouseenter: () => keepInView(why), onfocusin: () => keepInView(why) }, button, why);
    }));
    return h('fieldset', { class: 'opt', id: `opt-${o.id}` },
      h('legend', {}, h('span', { class: 'opt-label' }, o.label), status),
      row, repair);
  }

  // ---- Summary ----
  const priceNow = h('p', { class: 'cfg-price', 'aria-live': 'polite' });
  const priceRange = h('p', { class: 'cfg-range' });
  const countLine = h('p', { class: 'cfg-count' });
  const completeLine = h('p', { class: 'cfg-complete' });
  const leadLine = h('p', { class: 'cfg-lead' });
  const cheapestBtn = h('button', { type: 'button', class: 'button', onclick: () => applyCheapest() }, 'Fill in the rest, cheapest first');
  const resetBtn = h('button', { type: 'button', class: 'button subtle', onclick: () => { draft.selections = {}; changed(0); } }, 'Start over');
  const conflictBox = h('div', { class: 'notice error conflict', role: 'alert', hidden: true });
  const busy = h('span', { class: 'cfg-busy', 'aria-hidden': 'true' }, 'Updating…');
  const barPrice = h('span', { class: 'bar-price' });
  const barCount = h('span', { class: 'bar-count' });

  // ---- Preview ----
  const tablet = model.id === 'tablet' || model.personalization.some((f) => f.type === 'text' && f.fonts?.length) ? tabletPreview() : null;
  const candy = !tablet && model.personalization.some((f) => f.type === 'image') ? candyPreview() : null;
  const has = (id: string) => model.options.some((o) => o.id === id);
  const car = !tablet && !candy && has('colour') && has('wheels') ? carPreview() : null;
  const shoe = !tablet && !candy && !car && has('colour') && has('heel') ? shoePreview() : null;
  const previewEl = tablet?.element ?? candy?.element ?? car?.element ?? shoe?.element ?? null;

  function updatePreview(): void {
    const sel = (id: string) => draft.selections[id] ?? currentValue(id);
    const textField = model.personalization.find((f) => f.type === 'text');
    const t = textField ? draft.text[textField.id] : undefined;
    if (tablet) tablet.update({ colour: sel('colour'), size: sel('model'), lines: t?.lines ?? [], font: t?.font });
    if (candy) {
      const colours = model.options.filter((o) => /colou?r/.test(o.id)).map((o) => sel(o.id)).filter((v): v is string => !!v && v !== 'none');
      const imgField = model.personalization.find((f) => f.type === 'image');
      candy.update({ colours, lines: t?.lines ?? [], picture: imgField ? draft.images[imgField.id]?.image ?? null : null, candy: sel('candy'), packaging: sel('packaging') });
    }
    if (car || shoe) {
      const s: Record<string, string | null> = {};
      for (const o of model.options) s[o.id] = sel(o.id);
      car?.update(s);
      shoe?.update(s);
    }
  }

  function currentValue(optionId: string): string | null {
    const o = state?.options.find((x) => x.id === optionId);
    return o?.selected ?? o?.implied ?? null;
  }

  // ---- Personalization ----
  const fieldErrors = new Map<string, HTMLElement>();
  function personalizationSection(): HTMLElement | null {
    if (!model.personalization.length) return null;
    return h('section', { class: 'cfg-group personalize', 'aria-labelledby': 'personalize-h' },
      h('h2', { id: 'personalize-h' }, 'Make it yours'),
      model.personalization.map((f) => (f.type === 'text' ? textField(f) : imageField(f))));
  }

  function textField(f: PersonalizationField): HTMLElement {
    const t = (draft.text[f.id] ??= { lines: [], font: f.fonts?.[0]?.id });
    const max = f.max_chars_per_line ?? 20;
    const error = h('p', { class: 'field-error', id: `err-${f.id}`, role: 'alert' });
    fieldErrors.set(f.id, error);
    const lines = Array.from({ length: f.max_lines ?? 1 }, (_, i) => {
      const counter = h('span', { class: 'counter', 'aria-live': 'off' }, `${charCount(t.lines[i] ?? '')}/${max}`);
      const input = h('input', {
        type: 'text', id: `pf-${f.id}-${i}`, name: `${f.id}-${i}`, value: t.lines[i] ?? '', autocomplete: 'off', spellcheck: 'false',
        'aria-describedby': `err-${f.id} hint-${f.id}`,
        oninput: (e: Event) => {
          const el = e.target as HTMLInputElement;
          const v = truncateChars(el.value, max);
          if (v !== el.value) el.value = v;
          while (t.lines.length <= i) t.lines.push('');
          t.lines[i] = v;
          counter.textContent = `${charCount(v)}/${max}`;
          updatePreview();
          changed(250);
        },
      });
      return h('div', { class: 'line-input' }, h('label', { for: `pf-${f.id}-${i}` }, (f.max_lines ?? 1) > 1 ? `Line ${i + 1}` : f.label), input, counter);
    });
    const fontPicker = f.fonts?.length ? h('div', { class: 'fonts', role: 'radiogroup', 'aria-label': `${f.label} font` }, f.fonts.map((font) =>
      h('label', { class: 'font-choice', style: `font-family:${fontStack(font.id)}` },
        h('input', { type: 'radio', name: `font-${f.id}`, value: font.id, checked: (t.font ?? f.fonts![0].id) === font.id,
          onchange: () => { t.font = font.id; updatePreview(); changed(0); } }),
        font.label, font.emoji ? h('span', { class: 'hint-inline' }, ' (emoji welcome)') : null))) : null;
    const rules = [`up to ${f.max_lines ?? 1} line${(f.max_lines ?? 1) > 1 ? 's' : ''} of ${max} characters`];
    if (f.allow_emoji && f.fonts?.some((x) => !x.emoji)) rules.push('emoji only with the emoji font');
    else if (!f.allow_emoji) rules.push('no emoji');
    if (f.price_delta.amount) rules.push(`${deltaText(f)}`);
    return h('fieldset', { class: 'pfield' },
      h('legend', {}, f.label, f.required ? '' : h('span', { class: 'optional' }, ' (optional)')),
      h('p', { class: 'hint', id: `hint-${f.id}` }, rules.join(' · ')),
      lines, fontPicker, error);
  }

  // An upload's error stays next to its field until the picture changes
  // (the configure answers in between must not wipe it).
  const uploadErrors = new Map<string, string>();

  function imageField(f: PersonalizationField): HTMLElement {
    const error = h('p', { class: 'field-error', id: `err-${f.id}`, role: 'alert' });
    fieldErrors.set(f.id, error);
    const thumb = h('div', { class: 'upload-thumb' });
    const status = h('p', { class: 'upload-status', role: 'status' });
    const showError = (message: string) => {
      uploadErrors.set(f.id, message);
      error.textContent = message;
      input.setAttribute('aria-invalid', message ? 'true' : 'false');
    };
    const forget = () => {
      delete draft.images[f.id];
      input.value = '';
      clear(thumb);
      status.textContent = '';
      removeBtn.hidden = true;
      updatePreview();
      changed(0);
    };
    const removeBtn = h('button', { type: 'button', class: 'button subtle small', hidden: true, onclick: () => { showError(''); forget(); } }, 'Remove picture');
    const accept = (f.accepted_types ?? ['image/png', 'image/jpeg']).join(',');
    const input = h('input', { type: 'file', id: `pf-${f.id}`, accept, 'aria-describedby': `err-${f.id} hint-${f.id}`,
      onchange: () => {
        const file = input.files?.[0];
        showError('');
        if (!file) return;
        if (!currentAccount()) {
          showError('');
          error.textContent = '';
          error.append('Pictures are kept with your account: ',
            h('a', { href: `/login?next=${encodeURIComponent(location.pathname + location.search)}`, 'data-link': true }, 'sign in'),
            ' to add one.');
          input.value = '';
          return;
        }
        if (f.accepted_types?.length && file.type && !f.accepted_types.includes(file.type)) {
          showError(`That file is ${file.type}; please choose ${f.accepted_types.map((t) => t.replace('image/', '').toUpperCase()).join(' or ')}.`);
          input.value = '';
          return;
        }
        if (f.max_bytes && file.size > f.max_bytes) {
          showError(`That picture is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${(f.max_bytes / 1e6).toFixed(0)} MB.`);
          input.value = '';
          return;
        }
        void upload(file);
      } });

    // Shows the picture at once, uploads it, and keeps it only when the shop
    // takes it (the type is read from its bytes, the resolution checked).
    async function upload(file: File): Promise<void> {
      const url = URL.createObjectURL(file);
      const img = new Image();
      const loaded = new Promise<boolean>((resolve) => { img.onload = () => resolve(true); img.onerror = () => resolve(false); });
      img.src = url;
      const entry = { name: file.name, content_type: file.type, bytes: file.size, width: 0, height: 0, image: null as HTMLImageElement | null, uploading: true };
      draft.images[f.id] = entry;
      clear(thumb);
      removeBtn.hidden = true;
      status.textContent = `Uploading ${file.name}…`;
      status.className = 'upload-status busy';
      type Uploaded = { id: string; content_type: string; bytes: number; width: number; height: number };
      const [shown, result] = await Promise.all([loaded, api<Uploaded>(
        `/api/v1/uploads?model=${encodeURIComponent(model.id)}&field=${encodeURIComponent(f.id)}`,
        { method: 'POST', body: file, headers: { 'Content-Type': file.type || 'application/octet-stream' } })
        .catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))]);
      if (draft.images[f.id] !== entry) return;  // another picture was chosen meanwhile
      if (result instanceof Error || !result) {
        URL.revokeObjectURL(url);
        status.textContent = '';
        showError(uploadErrorText(file.name, result));
        forget();
        return;
      }
      const answer = result as Uploaded;
      Object.assign(entry, { upload_id: answer.id, content_type: answer.content_type, bytes: answer.bytes, width: answer.width, height: answer.height, uploading: false, image: shown ? img : null });
      thumb.append(shown ? h('img', { src: url, alt: `Your picture: ${file.name}` }) : '',
        h('span', {}, `${file.name} · ${pictureWords(answer)}`));
      status.textContent = '✓ Uploaded — it is printed on your candy';
      status.className = 'upload-status ok';
      removeBtn.hidden = false;
      updatePreview();
      changed(0);
    }

    const before = draft.images[f.id];
    if (before && !before.image) {
      thumb.append(h('span', {}, `Your picture from before · ${pictureWords(before)}`));
      status.textContent = 'Kept from before. Choose another to replace it.';
      status.className = 'upload-status ok';
      removeBtn.hidden = false;
      // The shop serves it back to its owner: show it and print it again.
      if (before.upload_id && currentAccount()) {
        const img = new Image();
        img.alt = 'Your picture from before';
        img.addEventListener('load', () => {
          if (draft.images[f.id] !== before) return;  // replaced or removed meanwhile
          before.image = img;
          thumb.prepend(img);
          updatePreview();
        });
        img.src = uploadUrl(before.upload_id);
      }
    }
    const types = (f.accepted_types ?? []).map((t) => t.replace('image/', '').toUpperCase()).join(' or ');
    const hint = [types, f.min_width ? `at least ${f.min_width}×${f.min_height} pixels` : '', f.max_bytes ? `up to ${(f.max_bytes / 1e6).toFixed(0)} MB` : '', f.price_delta.amount ? deltaText(f) : '']
      .filter(Boolean).join(' · ');
    return h('fieldset', { class: 'pfield' },
      h('legend', {}, f.label, f.required ? '' : h('span', { class: 'optional' }, ' (optional)')),
      h('p', { class: 'hint', id: `hint-${f.id}` }, hint),
      h('label', { class: 'upload', for: `pf-${f.id}` }, 'Choose a picture', input),
      thumb, status, removeBtn, error);
  }

  // ---- Availability ----
  const availability: AvailabilityPanel = availabilityPanel(draft, () => state);

  // ---- Layout ----
  const groups = groupOptions(model).map(([title, opts], i) =>
    h('section', { class: 'cfg-group', 'aria-labelledby': `grp-${i}` }, h('h2', { id: `grp-${i}` }, title), opts.map(optionFieldset)));
  const root = h('div', { class: 'configurator' },
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '/', 'data-link': true }, 'Home'), ' › ', 'Configure'),
    h('div', { class: 'cfg-head' },
      h('h1', {}, `Configure your ${model.name}`),
      h('p', { class: 'lede' }, 'Pick in any order. Choices that no longer fit are greyed out: point at one to see why, click it to see what to change.')),
    h('div', { class: 'cfg-layout' },
      h('div', { class: 'cfg-main' }, sourceBox, conflictBox, groups, personalizationSection(), availability.element),
      h('aside', { class: 'cfg-summary', 'aria-label': 'Your configuration' },
        previewEl,
        h('div', { class: 'cfg-card' },
          h('p', { class: 'cfg-label' }, 'Price now', busy), priceNow, priceRange, countLine, completeLine, leadLine,
          h('div', { class: 'cfg-actions' }, cheapestBtn, resetBtn,
            h('a', { class: 'button primary', href: '#availability', onclick: (e: Event) => { e.preventDefault(); availability.focus(); } }, 'Where to get it'))))),
    h('div', { class: 'cfg-bar', 'aria-hidden': 'true' }, barPrice, barCount),
  );
  ctx.main.append(root);

  // ---- Behaviour ----
  // A click on a greyed value while an answer is on its way waits for it:
  // the repair offered must be for the picks as they are now.
  let deferredPick: [string, string] | null = null;

  function pick(optionId: string, valueId: string): void {
    closeRepairs();
    const o = state?.options.find((x) => x.id === optionId);
    const v = o?.values.find((x) => x.id === valueId);
    if (root.classList.contains('pending') && v && !v.available && draft.selections[optionId] !== valueId) {
      deferredPick = [optionId, valueId];
      return;
    }
    if (draft.selections[optionId] === valueId) {
      delete draft.selections[optionId];
    } else if (state?.status === 'conflict') {
      // Nothing is available while picks conflict; let the shopper change any.
      draft.selections[optionId] = valueId;
    } else if (v && !v.available && otherPicksInTheWay(optionId, v).length) {
      offerRepair(optionId, v);
      return;
    } else if (v && !v.available && draft.selections[optionId] === undefined) {
      offerRepair(optionId, v);
      return;
    } else {
      // Available, or only this option's own pick stands in the way.
      draft.selections[optionId] = valueId;
    }
    changed(0);
  }

  // The shopper's picks on other options that exclude `v`.
  function otherPicksInTheWay(optionId: string, v: ValueState): string[] {
    return (v.reason?.picks_to_drop ?? []).filter((id) => id !== optionId && draft.selections[id] !== undefined);
  }

  function closeRepairs(): void {
    for (const r of repairs.values()) {
      r.hidden = true;
      clear(r);
    }
  }

  // A greyed value was clicked: say what stands in the way and offer to drop
  // exactly those picks.
  function offerRepair(optionId: string, v: ValueState): void {
    const box = repairs.get(optionId)!;
    clear(box);
    const drop = otherPicksInTheWay(optionId, v);
    const isBool = model.options.find((o) => o.id === optionId)?.kind === 'bool';
    // "the towing package" / "no towing package" / "Racing Red".
    const label = isBool ? `${v.id === 'true' ? 'the' : 'no'} ${optionLabel(optionId).toLowerCase()}` : v.label;
    const Label = label.charAt(0).toUpperCase() + label.slice(1);
    const cancel = h('button', { type: 'button', class: 'button subtle', onclick: () => { closeRepairs(); chips.get(optionId)?.get(v.id)?.button.focus(); } }, 'Keep my picks');
    const titleId = `repair-title-${optionId}`;
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-labelledby', titleId);
    if (drop.length) {
      const apply = h('button', { type: 'button', class: 'button primary', onclick: () => {
        for (const id of drop) delete draft.selections[id];
        draft.selections[optionId] = v.id;
        closeRepairs();
        changed(0);
        chips.get(optionId)?.get(v.id)?.button.focus();
      } }, `${drop.length === 1 ? 'Change it' : 'Change them'} and ${isBool && v.id === 'true' ? 'add' : 'choose'} ${label}`);
      box.append(
        h('p', { class: 'repair-title', id: titleId }, `${Label} does not go with your current picks.`),
        reasonText(v) ? h('p', { class: 'repair-why' }, reasonText(v)) : '',
        h('p', {}, drop.length === 1 ? 'To choose it, this pick is removed:' : 'To choose it, these picks are removed:'),
        h('ul', { class: 'repair-drop' }, drop.map((id) => h('li', {}, pickLabel(id, draft.selections[id])))),
        h('div', { class: 'repair-actions' }, apply, cancel));
      box.hidden = false;
      apply.focus();
    } else {
      box.append(h('p', { class: 'repair-title', id: titleId }, `${Label} is not offered.`),
        reasonText(v) ? h('p', { class: 'repair-why' }, reasonText(v)) : '',
        h('div', { class: 'repair-actions' }, cancel));
      box.hidden = false;
      cancel.focus();
    }
    box.onkeydown = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        closeRepairs();
        chips.get(optionId)?.get(v.id)?.button.focus();
      }
    };
  }

  function applyCheapest(): void {
    if (!state) return;
    draft.selections = { ...state.cheapest_completion, ...draft.selections };
    changed(0);
  }

  // Something changed: reflect it in the URL at once, ask the server after
  // `delay` ms (typing waits for a pause; clicks go straight away).
  function changed(delay: number): void {
    history.replaceState(history.state, '', configureUrl(model.id, draft.selections, linkPersonalization(draft)));
    markPending();
    availability.invalidate();
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), delay);
  }

  function markPending(): void {
    root.classList.add('pending');
    root.setAttribute('aria-busy', 'true');
    // Show the picks at once; availability and prices follow with the answer.
    for (const [optionId, byValue] of chips) {
      for (const [valueId, chip] of byValue) chip.button.setAttribute('aria-pressed', String(draft.selections[optionId] === valueId));
    }
  }

  async function refresh(): Promise<void> {
    const mine = ++seq;
    const from = source;
    try {
      const next = await api<ConfigureState & SourceAnswer>(`/api/v1/models/${encodeURIComponent(model.id)}/configure`, {
        method: 'POST',
        body: JSON.stringify({ selections: from ? {} : draft.selections, personalization: personalizationInputs(draft), ...(from ? { from_order: from } : {}) }),
      });
      if (mine !== seq) return;
      if (from) startedFrom(from.order_id, next);
      state = next;
      render();
    } catch (e) {
      if (mine !== seq) return;
      if (from) {
        // The order cannot be read (signed out, say): the picks in the link do.
        source = null;
        changed(0);
        return;
      }
      root.classList.remove('pending');
      root.removeAttribute('aria-busy');
      conflictBox.hidden = false;
      clear(conflictBox);
      conflictBox.append(h('p', {}, e instanceof ApiError ? e.message : 'The shop did not answer. Check your connection and try again.'),
        h('button', { type: 'button', class: 'button', onclick: () => changed(0) }, 'Try again'));
    }
  }

  // The server took the order line's picks that still fit today's model.
  function startedFrom(orderId: number, next: ConfigureState & SourceAnswer): void {
    source = null;
    draft.selections = {};
    for (const o of next.options) if (o.selected !== null) draft.selections[o.id] = o.selected;
    history.replaceState(history.state, '', configureUrl(model.id, draft.selections, linkPersonalization(draft)));
    clear(sourceBox);
    sourceBox.hidden = false;
    sourceBox.append(h('p', {}, h('strong', {}, `Starting from your order #${orderId}.`), ' Change anything you like; the rest stays as you ordered it.'));
    const dropped = next.changed ?? [];
    if (dropped.length) {
      sourceBox.append(h('p', {}, 'These picks are no longer offered together and were left open:'),
        h('ul', {}, dropped.map((c) => h('li', {}, h('strong', {}, optionLabel(c.option_id)), `: ${valueLabel(c.option_id, c.was)}`, c.reason ? ` — ${c.reason}` : ''))));
    }
  }

  function render(): void {
    const st = state!;
    root.classList.remove('pending');
    root.removeAttribute('aria-busy');
    let open = 0;
    for (const o of st.options) renderOption(o, st);
    for (const o of st.options) if (!o.selected && !o.implied) open++;

    // Conflict: the picks cannot go together; offer to drop each one.
    clear(conflictBox);
    conflictBox.hidden = st.status !== 'conflict';
    if (st.status === 'conflict' && st.conflict) {
      conflictBox.append(h('p', { class: 'repair-title' }, 'These picks cannot go together'),
        h('p', {}, st.conflict.message),
        h('div', { class: 'repair-actions' }, st.conflict.picks.filter((p) => draft.selections[p] !== undefined).map((p) =>
          h('button', { type: 'button', class: 'button', onclick: () => { delete draft.selections[p]; changed(0); } },
            `Remove ${pickLabel(p, draft.selections[p])}`))));
    }

    priceNow.textContent = formatMoney(st.price.now);
    const { min, max } = st.price;
    priceRange.textContent = st.complete ? 'Final price for this configuration'
      : min && max ? (min.amount === max.amount ? `Every way to finish it costs ${formatMoney(min)}` : `Finished, it will cost ${formatMoney(min)} – ${formatMoney(max)}`) : '';
    const count = st.count;
    countLine.textContent = st.status === 'conflict' ? 'No configuration has all these picks'
      : st.complete ? 'One exact configuration' : count === null ? 'Many configurations still possible'
        : `${formatCount(count)} configuration${count === '1' ? '' : 's'} still possible`;
    const persErrors = st.personalization_errors ?? [];
    const ready = st.complete && st.status === 'ok' && persErrors.length === 0;
    completeLine.className = `cfg-complete ${ready ? 'done' : ''}`;
    completeLine.textContent = ready ? '✓ Complete — ready to order'
      : st.complete ? 'All options chosen — check the personalization'
        : `${open} option${open === 1 ? '' : 's'} left to choose`;
    leadLine.textContent = st.lead_time_days ? `Built to order in about ${st.lead_time_days} days` : '';
    cheapestBtn.disabled = st.complete || st.status === 'conflict' || !Object.keys(st.cheapest_completion ?? {}).length;
    const cheapestMin = min ? ` (${formatMoney(min)})` : '';
    cheapestBtn.textContent = `Fill in the rest, cheapest first${st.complete ? '' : cheapestMin}`;
    resetBtn.disabled = Object.keys(draft.selections).length === 0;
    barPrice.textContent = formatMoney(st.price.now);
    barCount.textContent = ready ? '✓ Complete' : `${open} left`;

    for (const [field, el] of fieldErrors) {
      const errs = persErrors.filter((e) => e.field === field || e.field.startsWith(`${field}.`));
      const shown = errs.filter((e) => e.code !== 'empty' && e.code !== 'required');
      const upload = uploadErrors.get(field);
      if (!upload && el.querySelector('a')) continue;  // the sign-in hint stays
      el.textContent = [upload, ...shown.map((e) => e.message)].filter(Boolean).join(' ');
      const inputs = document.querySelectorAll<HTMLInputElement>(`[id^="pf-${field}"]`);
      inputs.forEach((i) => i.setAttribute('aria-invalid', String(shown.length > 0 || !!upload)));
    }
    updatePreview();
    if (deferredPick) {
      const [optionId, valueId] = deferredPick;
      deferredPick = null;
      pick(optionId, valueId);
    }
  }

  function renderOption(o: OptionState, st: ConfigureState): void {
    const byValue = chips.get(o.id);
    if (!byValue) return;
    const status = optionStatus.get(o.id)!;
    const selectedLabel = o.selected ? o.values.find((v) => v.id === o.selected)?.label : null;
    const isBool = model.options.find((x) => x.id === o.id)?.kind === 'bool';
    status.textContent = o.selected ? (isBool ? (o.selected === 'true' ? 'Yes' : 'No') : selectedLabel ?? o.selected)
      : o.implied ? (isBool ? (o.implied === 'true' ? 'Included with your picks' : 'No — not with your picks')
        : `${o.values.find((v) => v.id === o.implied)?.label ?? o.implied} (the only choice left)`) : 'Choose';
    status.classList.toggle('open', !o.selected && !o.implied);
    document.getElementById(`opt-${o.id}`)?.classList.toggle('picked', !!o.selected);
    const row = byValue.values().next().value?.button.closest('.chips');
    if (row && !row.contains(document.activeElement)) {
      const stop = o.selected ?? o.values[0]?.id;
      for (const [id, c] of byValue) c.button.tabIndex = id === stop ? 0 : -1;
    }
    for (const v of o.values) {
      const chip = byValue.get(v.id);
      if (!chip) continue;
      const b = chip.button;
      b.setAttribute('aria-pressed', String(o.selected === v.id));
      b.classList.toggle('implied', !o.selected && o.implied === v.id);
      const unavailable = st.status === 'ok' && !v.available && o.selected !== v.id;
      b.classList.toggle('unavailable', unavailable);
      // Not aria-disabled: a click on it offers the repair, so it stays a
      // working button; screen readers hear "not available" and the reason.
      chip.sr.textContent = unavailable ? ' (not available with your picks)' : '';
      if (unavailable) {
        b.setAttribute('aria-describedby', chip.why.id);
        const drop = (v.reason?.picks_to_drop ?? []).filter((id) => id !== o.id);
        chip.why.textContent = reasonText(v) || (drop.length ? `Not with your ${drop.map(optionLabel).join(', ')}` : 'Not offered with your picks');
      } else {
        b.removeAttribute('aria-describedby');
        chip.why.textContent = '';
      }
      chip.delta.textContent = deltaText(v);
      chip.popular.hidden = !v.popular || unavailable;
    }
  }

  updatePreview();
  markPending();
  await refresh();
}
