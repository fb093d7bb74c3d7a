// Form pieces shared by the account and checkout pages: a labelled field with
// its own error line, and putting an API error next to the field it names.
import { ApiError, countryName, statesOf } from './api';
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

// --- shipping addresses -------------------------------------------------------
// The address form of the checkout and account pages: name, street lines,
// city, ZIP or postal code, country, and the state, province or territory,
// which the shop requires for US, Canadian and Australian addresses (a list
// of codes there; free text, optional, elsewhere).

export interface AddressValue {
  name: string;
  line1: string;
  line2: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
}

export type AddressFieldName = keyof AddressValue;

export interface AddressForm {
  fields: Record<AddressFieldName, Field>;
  // The fields laid out, `extra` (the checkout's region) after them.
  fieldset: HTMLElement;
  fill(a: Partial<AddressValue> | null | undefined): void;
  value(): AddressValue;
  // Empty required fields with what to say, found before asking the shop.
  problems(): [Field, string][];
}

// Keeps a control's error line in step: it goes as soon as the shopper
// changes the field.
function clearOnInput(f: Field): void {
  const done = () => {
    f.error.textContent = '';
    f.input.removeAttribute('aria-invalid');
  };
  f.input.addEventListener('input', done);
  f.input.addEventListener('change', done);
}

export function addressForm(countryChoices: [string, string][], defaultCountry: string, legend: string, extra: HTMLElement[] = []): AddressForm {
  const fields: Record<AddressFieldName, Field> = {
    name: field('name', 'Full name', h('input', { type: 'text', autocomplete: 'shipping name', required: true, maxlength: 200 })),
    line1: field('line1', 'Street address', h('input', { type: 'text', autocomplete: 'shipping address-line1', required: true, maxlength: 200 }), 'Street and house number.'),
    line2: field('line2', 'Apartment, suite, floor (optional)', h('input', { type: 'text', autocomplete: 'shipping address-line2', maxlength: 200 })),
    city: field('city', 'City', h('input', { type: 'text', autocomplete: 'shipping address-level2', required: true, maxlength: 200 })),
    postal_code: field('postal_code', 'ZIP or postal code', h('input', { type: 'text', autocomplete: 'shipping postal-code', required: true, maxlength: 12, autocapitalize: 'characters', spellcheck: 'false' })),
    country: field('country', 'Country', h('select', { autocomplete: 'shipping country', required: true }, countryChoices.map(([code, label]) => h('option', { value: code, selected: code === defaultCountry }, label)))),
    state: field('state', 'State', h('input', { type: 'text' })),
  };
  const state = fields.state;
  const stateLabel = state.wrap.querySelector('label')!;
  let stateFor = '';
  let chosen = false;  // the shopper (or the saved address) picked the state
  // The state control follows the country: the list of its codes where the
  // shop needs one, a free-text box elsewhere. A value that still fits stays.
  function fitState(wanted?: string): void {
    const country = fields.country.input.value;
    const known = statesOf[country];
    const key = known ? country : '';
    if (key === stateFor && wanted === undefined) return;
    stateFor = key;
    const before = wanted ?? state.input.value.trim();
    const control = known
      ? h('select', { required: true }, h('option', { value: '' }, 'Choose…'), known.choices.map(([code, label]) => h('option', { value: code }, label)))
      : h('input', { type: 'text', maxlength: 100 });
    control.id = 'f-state';
    control.setAttribute('name', 'state');
    control.setAttribute('autocomplete', 'shipping address-level1');
    control.setAttribute('aria-describedby', state.error.id);
    state.input.replaceWith(control);
    state.input = control;
    clearOnInput(state);
    stateLabel.textContent = known ? known.label : 'State, province or region (optional)';
    if (known) {
      const fit = known.choices.find(([code, label]) => code === before.toUpperCase() || label.toLowerCase() === before.toLowerCase());
      control.value = fit ? fit[0] : '';
    } else {
      control.value = before;
    }
    state.error.textContent = '';
    chosen = !!control.value;
  }
  fields.country.input.addEventListener('change', () => {
    fitState();
    guessState();
  });
  fitState();
  // A US ZIP code or Canadian postal code tells the state or province: it is
  // filled in while the shopper has not chosen one (they can still change it).
  function guessState(): void {
    if (chosen || state.input.value || !(state.input instanceof HTMLSelectElement)) return;
    const guess = stateOfPostalCode(fields.country.input.value, fields.postal_code.input.value);
    if (guess) {
      state.input.value = guess;
      state.error.textContent = '';
      state.input.removeAttribute('aria-invalid');
    }
  }
  fields.postal_code.input.addEventListener('input', guessState);
  state.wrap.addEventListener('change', () => { chosen = !!state.input.value; });

  const fieldset = h('fieldset', { class: 'address-fields' },
    h('legend', { class: 'visually-hidden' }, legend),
    fields.name.wrap, fields.line1.wrap, fields.line2.wrap,
    h('div', { class: 'field-row' }, fields.city.wrap, fields.postal_code.wrap),
    h('div', { class: 'field-row even' }, fields.country.wrap, fields.state.wrap),
    extra);

  const missing: Partial<Record<AddressFieldName, string>> = {
    name: 'Enter the name to deliver to.',
    line1: 'Enter the street and house number.',
    city: 'Enter the city.',
    postal_code: 'Enter the ZIP or postal code.',
  };
  return {
    fields,
    fieldset,
    fill(a) {
      if (!a) return;
      for (const name of ['name', 'line1', 'line2', 'city', 'postal_code'] as const) {
        if (a[name] !== undefined) fields[name].input.value = a[name] ?? '';
      }
      if (a.country && [...(fields.country.input as HTMLSelectElement).options].some((o) => o.value === a.country)) {
        fields.country.input.value = a.country;
      }
      fitState(a.state ?? '');  // rebuilt for the country, with the saved state
    },
    value() {
      const v = (name: AddressFieldName) => fields[name].input.value.trim();
      return { name: v('name'), line1: v('line1'), line2: v('line2'), city: v('city'), state: v('state'), postal_code: v('postal_code'), country: fields.country.input.value };
    },
    problems() {
      // The state is left to the shop, whose answer goes under it.
      return (Object.entries(missing) as [AddressFieldName, string][])
        .filter(([name]) => !fields[name].input.value.trim())
        .map(([name, message]): [Field, string] => [fields[name], message]);
    },
  };
}

// US ZIP code prefixes (first three digits, inclusive ranges) by state.
const zipPrefixes: [number, number, string][] = [
  [5, 5, 'NY'], [6, 7, 'PR'], [8, 8, 'VI'], [9, 9, 'PR'], [10, 27, 'MA'], [28, 29, 'RI'], [30, 38, 'NH'],
  [39, 49, 'ME'], [50, 54, 'VT'], [55, 55, 'MA'], [56, 59, 'VT'], [60, 69, 'CT'], [70, 89, 'NJ'], [90, 98, 'AE'],
  [100, 149, 'NY'], [150, 196, 'PA'], [197, 199, 'DE'], [200, 200, 'DC'], [201, 201, 'VA'], [202, 205, 'DC'],
  [206, 219, 'MD'], [220, 246, 'VA'], [247, 268, 'WV'], [270, 289, 'NC'], [290, 299, 'SC'], [300, 319, 'GA'],
  [320, 339, 'FL'], [340, 340, 'AA'], [341, 349, 'FL'], [350, 369, 'AL'], [370, 385, 'TN'], [386, 397, 'MS'],
  [398, 399, 'GA'], [400, 427, 'KY'], [430, 459, 'OH'], [460, 479, 'IN'], [480, 499, 'MI'], [500, 528, 'IA'],
  [530, 549, 'WI'], [550, 567, 'MN'], [569, 569, 'DC'], [570, 577, 'SD'], [580, 588, 'ND'], [590, 599, 'MT'],
  [600, 629, 'IL'], [630, 658, 'MO'], [660, 679, 'KS'], [680, 693, 'NE'], [700, 714, 'LA'], [716, 729, 'AR'],
  [730, 732, 'OK'], [733, 733, 'TX'], [734, 749, 'OK'], [750, 799, 'TX'], [800, 816, 'CO'], [820, 831, 'WY'],
  [832, 838, 'ID'], [840, 847, 'UT'], [850, 865, 'AZ'], [870, 884, 'NM'], [885, 885, 'TX'], [889, 898, 'NV'],
  [900, 961, 'CA'], [962, 966, 'AP'], [967, 968, 'HI'], [969, 969, 'GU'], [970, 979, 'OR'], [980, 994, 'WA'],
  [995, 999, 'AK'],
];
// Canadian postal codes' first letter by province (X is two territories).
const postalLetters: Record<string, string> = {
  A: 'NL', B: 'NS', C: 'PE', E: 'NB', G: 'QC', H: 'QC', J: 'QC', K: 'ON', L: 'ON', M: 'ON', N: 'ON', P: 'ON',
  R: 'MB', S: 'SK', T: 'AB', V: 'BC', Y: 'YT',
};

// The state a postal code belongs to, where it tells: a US ZIP code (five
// digits, optionally +4) or a Canadian postal code; '' otherwise.
export function stateOfPostalCode(country: string, postal: string): string {
  const code = postal.trim().toUpperCase();
  if (country === 'US' && /^\d{5}(-?\d{4})?$/.test(code)) {
    const prefix = Number(code.slice(0, 3));
    return zipPrefixes.find(([from, to]) => prefix >= from && prefix <= to)?.[2] ?? '';
  }
  if (country === 'CA' && /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/.test(code)) return postalLetters[code[0]] ?? '';
  return '';
}

// Marks each problem on its field and focuses the first; false when none.
export function showProblems(found: [Field, string][]): boolean {
  for (const [f, message] of found) {
    f.error.textContent = message;
    f.input.setAttribute('aria-invalid', 'true');
  }
  if (found.length) found[0][0].input.focus();
  return found.length > 0;
}

// The shop's address errors name API members ("shipping.postal_code must
// be ..."); a shopper reads the field's own label instead.
export function addressErrorWords(err: ApiError, country = ''): ApiError {
  const member = err.field?.startsWith('shipping.') ? err.field.slice('shipping.'.length) : '';
  if (!member) return err;
  const stateLabel = statesOf[country]?.label.toLowerCase() ?? 'state, province or region';
  const label: Record<string, string> = {
    name: 'The name', line1: 'The street address', line2: 'The apartment, suite or floor', city: 'The city',
    postal_code: 'The ZIP or postal code', country: 'The country', region: 'The region', state: `The ${stateLabel}`,
  };
  const what = label[member] ?? 'This field';
  let message = err.message.replace(/^shipping\.[a-z_0-9]+ /, `${what} `);
  if (/ is required$/.test(err.message)) message = member === 'state' ? `Choose the ${stateLabel}.` : `${what} is needed.`;
  else if (member === 'postal_code' && / must be /.test(err.message)) message = 'A ZIP or postal code is 2 to 12 letters, digits, spaces or hyphens.';
  else if (member === 'state' && / must be /.test(err.message)) message = `Choose the ${stateLabel} from the list.`;
  else if (/control characters/.test(err.message)) message = `${what} has a character that cannot be printed on a label (a tab or a line break); please retype it.`;
  else if (/longer than/.test(err.message)) message = `${what} is too long (at most ${member === 'state' ? 100 : 200} characters).`;
  return new ApiError(err.status, err.code, message, err.field);
}

// An address as a label reads, one line each: "Austin, TX 78701" in the US,
// "Toronto ON M5J 2N8" in Canada, "Sydney NSW 2000" in Australia,
// "06600 Ciudad de México" elsewhere (its state, if any, on the next line).
// An address an older client sent as one text is all in line1 (its line
// breaks kept).
export function addressLines(a: { name?: string; line1: string; line2?: string; city?: string; state?: string; postal_code?: string; country?: string }): string[] {
  const city = a.city ?? '';
  const state = a.state ?? '';
  const postal = a.postal_code ?? '';
  let place: string[];
  if (a.country === 'US') place = [[city && state ? `${city},` : city, state, postal].filter(Boolean).join(' ')];
  else if (a.country === 'CA' || a.country === 'AU') place = [[city, state, postal].filter(Boolean).join(' ')];
  else place = [[postal, city].filter(Boolean).join(' '), state];
  return [a.name ?? '', a.line1, a.line2 ?? '', ...place, a.country ? countryName(a.country) : ''].filter(Boolean);
}
