// Product models: the models the shop serves, and a validation view: paste or
// upload a model (the YAML format of libs/config), see its parse errors with
// line numbers, or the number of valid configurations it allows.
import { adminApi, AdminApiError, Money, ValidationResult } from '../api';
import { h, money, uid } from '../dom';
import { clearErrors, field, loading, notice, showError } from '../ui';

const EXAMPLE = `model: mug
name: Printed mug
version: 1
currency: USD
base_price: 12
lead_time_days: 3
options:
  - id: size
    label: Size
    values:
      - {id: small, label: 11 oz}
      - {id: large, label: 15 oz, price: 3}
  - id: colour
    label: Colour
    values: [white, black, red]
  - id: gift_box
    type: bool
    price: 4
rules:
  - id: red-large
    rule: colour = red requires size = large
    message: Red comes in the 15 oz size only.
`;

interface ModelSummary { id: string; name: string; version: number; option_count: number; personalization_count: number; base_price: Money }

function formatCount(n: string): string {
  return n.length <= 15 ? Number(n).toLocaleString('en-US') : `${n.slice(0, 1)}.${n.slice(1, 4)} × 10^${n.length - 1}`;
}

export async function renderModels(main: HTMLElement): Promise<void> {
  main.append(h('h1', {}, 'Product models'));
  const live = h('section', { class: 'card', 'aria-labelledby': 'live-models' }, h('h2', { id: 'live-models' }, 'Models in the shop'), loading());
  const checker = h('section', { class: 'card', 'aria-labelledby': 'validate-title' });
  main.append(checker, live);

  // --- validation ---------------------------------------------------------
  const textarea = h('textarea', { name: 'yaml', rows: 22, spellcheck: 'false', autocomplete: 'off', wrap: 'off', class: 'code' });
  textarea.value = EXAMPLE;
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const yamlField = field('Model (YAML)', textarea, 'yaml', 'Paste a model or upload a file; nothing is saved.');
  // The editor: line numbers beside the text.
  const editor = h('div', { class: 'editor' }, gutter, textarea);
  yamlField.wrap.insertBefore(editor, yamlField.wrap.querySelector('.help'));
  const fileInput = h('input', { type: 'file', accept: '.yaml,.yml,text/yaml,application/yaml,text/plain' });
  const fileField = field('Upload a model file', fileInput, 'file');
  const validate = h('button', { type: 'submit' }, 'Validate');
  const example = h('button', { type: 'button', class: 'ghost' }, 'Load the example');
  const result = h('div', { class: 'validation', 'aria-live': 'polite' });
  const form = h('form', { class: 'validate-form', 'aria-labelledby': 'validate-title' },
    yamlField.wrap, h('div', { class: 'toolbar' }, fileField.wrap, h('div', { class: 'actions' }, example, validate)), result);
  checker.append(h('h2', { id: 'validate-title' }, 'Validate a model'),
    h('p', { class: 'muted' }, 'Checks the syntax, the rules, and that at least one configuration is valid; then counts the valid configurations.'),
    form);

  let errorLines = new Set<number>();
  function paintGutter(): void {
    const lines = textarea.value.split('\n').length;
    const frag = document.createDocumentFragment();
    for (let i = 1; i <= lines; i++) frag.append(h('span', { class: errorLines.has(i) ? 'bad' : '' }, String(i)));
    gutter.replaceChildren(frag);
    gutter.scrollTop = textarea.scrollTop;
  }
  textarea.addEventListener('input', () => { errorLines = new Set(); paintGutter(); });
  textarea.addEventListener('scroll', () => { gutter.scrollTop = textarea.scrollTop; });
  paintGutter();

  function goToLine(line: number, column: number | null): void {
    const lines = textarea.value.split('\n');
    let start = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    const lineText = lines[line - 1] ?? '';
    const from = start + Math.max(0, Math.min((column ?? 1) - 1, lineText.length));
    textarea.focus();
    textarea.setSelectionRange(from, start + lineText.length);
    const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 4) * lineHeight);
  }

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    clearErrors(form);
    if (file.size > 256 * 1024) {
      fileField.error.textContent = `${file.name} is ${Math.round(file.size / 1024)} KB; a model may have at most 256 KB.`;
      fileInput.setAttribute('aria-invalid', 'true');
      return;
    }
    textarea.value = await file.text();
    errorLines = new Set();
    paintGutter();
    form.requestSubmit();
  });
  example.addEventListener('click', () => {
    textarea.value = EXAMPLE;
    errorLines = new Set();
    paintGutter();
    result.replaceChildren();
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    result.replaceChildren(loading('Validating…'));
    validate.disabled = true;
    try {
      const r = await adminApi<ValidationResult>('/api/v1/admin/models/validate', {
        method: 'POST', body: textarea.value, headers: { 'Content-Type': 'text/yaml' },
      });
      errorLines = new Set(r.errors.map((x) => x.line ?? 0).filter((x) => x > 0));
      paintGutter();
      result.replaceChildren(renderResult(r));
    } catch (err) {
      result.replaceChildren();
      if (err instanceof AdminApiError && err.field === 'body') (err as AdminApiError).field = 'yaml';
      showError(form, err, result);
    } finally {
      validate.disabled = false;
    }
  });

  function renderResult(r: ValidationResult): HTMLElement {
    if (r.ok) {
      const m = r.model!;
      return h('div', { class: 'result ok', role: 'status' },
        h('p', { class: 'verdict' }, '✓ Valid model'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Model'), h('dd', {}, `${m.name || m.id} (${m.id}, version ${m.version})`),
          h('dt', {}, 'Options'), h('dd', {}, String(m.option_count)),
          h('dt', {}, 'Rules'), h('dd', {}, String(m.rule_count)),
          h('dt', {}, 'Valid configurations'),
          h('dd', { class: 'count', 'data-count': r.count ?? '' }, r.count ? formatCount(r.count) : 'too many to count within the time budget'),
          h('dt', {}, 'Engine'), h('dd', {}, r.engine === 'bdd' ? 'Decision diagram (exact count)' : 'SAT solver (no count)')));
    }
    const listId = uid('errors');
    return h('div', { class: 'result bad', role: 'alert' },
      h('p', { class: 'verdict', id: listId }, `✗ ${r.errors.length === 1 ? 'One problem' : `${r.errors.length} problems`}${r.model ? ` in ${r.model.id}` : ''}`),
      h('ul', { class: 'errors', 'aria-labelledby': listId }, r.errors.map((x) => {
        const where = x.line ? `Line ${x.line}${x.column ? `, column ${x.column}` : ''}` : 'Model';
        const jump = x.line
          ? h('button', { type: 'button', class: 'line-link', 'data-line': x.line, title: 'Show this line in the editor' }, where)
          : h('span', { class: 'line-link' }, where);
        if (x.line) jump.addEventListener('click', () => goToLine(x.line!, x.column));
        return h('li', {}, jump, h('span', {}, x.message));
      })));
  }

  // --- live models --------------------------------------------------------
  try {
    const models = await adminApi<{ items: ModelSummary[] }>('/api/v1/models');
    live.replaceChildren(h('h2', { id: 'live-models' }, 'Models in the shop'),
      models.items.length === 0 ? notice('No product models yet.') :
        h('table', { class: 'data' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Model'), h('th', { scope: 'col' }, 'Version'),
            h('th', { scope: 'col', class: 'num' }, 'Options'), h('th', { scope: 'col', class: 'num' }, 'Personalization'),
            h('th', { scope: 'col', class: 'num' }, 'Base price'))),
          h('tbody', {}, models.items.map((m) => h('tr', {},
            h('td', {}, m.name, h('div', { class: 'sku' }, m.id)), h('td', {}, `v${m.version}`),
            h('td', { class: 'num' }, String(m.option_count)), h('td', { class: 'num' }, String(m.personalization_count)),
            h('td', { class: 'num' }, money(m.base_price.amount, m.base_price.currency)))))));
  } catch (err) {
    live.replaceChildren(h('h2', { id: 'live-models' }, 'Models in the shop'));
    showError(live, err);
  }
}
