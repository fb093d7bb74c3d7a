// Form pieces shared by the account and checkout pages: a labelled field with
// its own error line, and putting an API error next to the field it names.
import { ApiError } from './api';
import { h } from './dom';

export interface Field {
  wrap: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  error: HTMLElement;
}

export function field(name: string, label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): Field {
  input.id ||= `f-${name}`;
  input.setAttribute('name', name);
  const error = h('p', { class: 'field-error', id: `${input.id}-error`, role: 'alert' });
  const hintEl = hint ? h('p', { class: 'hint', id: `${input.id}-hint` }, hint) : null;
  input.setAttribute('aria-describedby', [hintEl ? hintEl.id : '', error.id].filter(Boolean).join(' '));
  // The error goes away as soon as the shopper fixes the field.
  input.addEventListener('input', () => {
    error.textContent = '';
    input.removeAttribute('aria-invalid');
  });
  const wrap = h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hintEl, error);
  return { wrap, input, error };
}

// Shows `e` next to the field it names ("shipping.name" matches "name"), or
// in `general` when it names none of them. Focuses the field at fault.
export function clearErrors(fields: Record<string, Field>, general: HTMLElement): void {
  for (const f of Object.values(fields)) {
    f.error.textContent = '';
    f.input.removeAttribute('aria-invalid');
  }
  general.textContent = '';
}

// Marks `f` as missing with `message`, and focuses it.
export function fieldError(f: Field, message: string): void {
  f.error.textContent = message;
  f.input.setAttribute('aria-invalid', 'true');
  f.input.focus();
}

export function showError(e: unknown, fields: Record<string, Field>, general: HTMLElement): void {
  clearErrors(fields, general);
  const err = e instanceof ApiError ? e : null;
  const message = err?.message ?? 'The shop did not answer. Check your connection and try again.';
  const name = err?.field ?? '';
  const target = fields[name] ?? fields[name.split('.').pop() ?? ''] ?? null;
  if (target) {
    fieldError(target, message);
  } else {
    general.textContent = message;
  }
}
