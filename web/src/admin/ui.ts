// Pieces every dashboard page uses: API errors placed next to the control
// they name, loading and empty states.
import { AdminApiError, describe } from './api';
import { h, uid } from './dom';

// A labelled control with its own error line (aria-describedby), named by
// the API field it feeds so that an error for that field lands under it.
export interface Field<T extends HTMLElement> {
  wrap: HTMLElement;
  control: T;
  error: HTMLElement;
}

export function field<T extends HTMLElement>(label: string, control: T, apiField: string, help?: string): Field<T> {
  const id = control.id || uid('f');
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });
  const helpEl = help ? h('p', { class: 'help', id: `${id}-help` }, help) : null;
  control.setAttribute('aria-describedby', [`${id}-error`, helpEl ? `${id}-help` : ''].join(' ').trim());
  const wrap = h('div', { class: 'field', 'data-field': apiField }, h('label', { for: id }, label), control, helpEl, error);
  return { wrap, control, error };
}

export function clearErrors(root: HTMLElement): void {
  for (const e of root.querySelectorAll('.field-error')) e.textContent = '';
  for (const c of root.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  for (const n of root.querySelectorAll('.notice.error')) n.remove();
}

// Shows `error` under the field it names inside `root`, else as a notice at
// the top of `fallback`.
export function showError(root: HTMLElement, error: unknown, fallback: HTMLElement = root): void {
  if (error instanceof AdminApiError && error.field) {
    const wrap = root.querySelector(`[data-field="${CSS.escape(error.field)}"]`);
    const line = wrap?.querySelector('.field-error');
    const control = wrap?.querySelector('input, select, textarea');
    if (line) {
      line.textContent = error.message;
      control?.setAttribute('aria-invalid', 'true');
      return;
    }
  }
  fallback.prepend(notice(describe(error), 'error'));
}

export function notice(text: string, kind: 'error' | 'info' = 'info'): HTMLElement {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function loading(text = 'Loading…'): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, text);
}
