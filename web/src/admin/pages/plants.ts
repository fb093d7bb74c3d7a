// The plant capacity calendar: for one plant, each product line's units
// booked against its capacity per day, closed days, and the controls to close
// or reopen a day and to change a line's capacity.
import { adminApi, describe } from '../api';
import { h } from '../dom';
import { clearErrors, field, loading, notice, showError } from '../ui';

interface PlantLine { product_line: string; units_per_day: number }
interface Plant { code: string; name: string; region: string; lines: PlantLine[] }
interface CalendarLine { product_line: string; capacity: number; booked: number }
interface CalendarDay { date: string; closed: boolean; lines: CalendarLine[] }
interface Calendar { plant: string; from: string; today: string; days: CalendarDay[] }

const DAYS = 14;

function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function dayLabel(iso: string): { weekday: string; date: string } {
  const d = new Date(`${iso}T00:00:00Z`);
  return {
    weekday: d.toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' }),
    date: d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }),
  };
}

// "full" at capacity, "busy" from 75%, "free" below; "none" without capacity.
function load(line: CalendarLine): string {
  if (line.capacity <= 0) return 'none';
  const share = line.booked / line.capacity;
  return share >= 1 ? 'full' : share >= 0.75 ? 'busy' : 'free';
}

export async function renderPlants(main: HTMLElement): Promise<void> {
  main.append(h('h1', {}, 'Plant capacity'),
    h('p', { class: 'muted' }, 'Units booked by build-to-order orders against each plant\'s daily capacity per product line. Close a day to keep new orders off it; slots already booked stay booked.'));
  const body = h('div', {});
  main.append(body);
  body.append(loading('Loading plants…'));

  let plants: Plant[];
  try {
    plants = (await adminApi<{ plants: Plant[] }>('/api/v1/admin/plants')).plants;
  } catch (err) {
    body.replaceChildren();
    showError(main, err, body);
    return;
  }
  body.replaceChildren();
  if (plants.length === 0) {
    body.append(notice('No plants yet. Add locations of type plant to build configured products to order.'));
    return;
  }

  const plantSelect = h('select', { name: 'plant' },
    plants.map((p) => h('option', { value: p.code }, `${p.name} (${p.code})`))) as HTMLSelectElement;
  const fromInput = h('input', { type: 'date', name: 'from' }) as HTMLInputElement;
  const plantField = field('Plant', plantSelect, 'plant');
  const fromField = field(`${DAYS} days from`, fromInput, 'from');
  const earlier = h('button', { type: 'button', class: 'ghost small' }, `← ${DAYS} days`);
  const later = h('button', { type: 'button', class: 'ghost small' }, `${DAYS} days →`);
  const controls = h('form', { class: 'calendar-controls', role: 'search', 'aria-label': 'Choose a plant and dates' },
    plantField.wrap, fromField.wrap, h('div', { class: 'calendar-step' }, earlier, later));
  const status = h('div', { role: 'status', 'aria-live': 'polite', class: 'visually-hidden' });
  const grid = h('div', {});
  const capacity = h('div', {});
  body.append(controls, status, grid, capacity);

  const plant = (): Plant => plants.find((p) => p.code === plantSelect.value) ?? plants[0];

  let shown = 0;  // only the newest request draws (answers can arrive out of order)
  async function show(focusDate?: string): Promise<void> {
    const mine = ++shown;
    clearErrors(main);
    grid.replaceChildren(loading('Loading the calendar…'));
    const query = new URLSearchParams({ days: String(DAYS) });
    if (fromInput.value) query.set('from', fromInput.value);
    let cal: Calendar;
    try {
      cal = await adminApi<Calendar>(`/api/v1/admin/plants/${encodeURIComponent(plantSelect.value)}/calendar?${query}`);
    } catch (err) {
      if (mine !== shown) return;
      grid.replaceChildren();
      showError(main, err, grid);
      return;
    }
    if (mine !== shown) return;
    if (!fromInput.value) fromInput.value = cal.from;
    grid.replaceChildren(table(cal));
    capacity.replaceChildren(capacityForm(cal));
    if (focusDate) grid.querySelector<HTMLElement>(`[data-date="${focusDate}"] button`)?.focus();
  }

  function table(cal: Calendar): HTMLElement {
    const lines = cal.days[0]?.lines.map((l) => l.product_line) ?? [];
    if (lines.length === 0) {
      return notice(`${plant().name} has no product lines yet. Set a capacity below.`);
    }
    const head = h('tr', {}, h('th', { scope: 'col' }, 'Product line'),
      cal.days.map((d) => {
        const { weekday, date } = dayLabel(d.date);
        const toggle = h('button', { type: 'button', class: 'small ghost day-toggle' }, d.closed ? 'Reopen' : 'Close');
        toggle.setAttribute('aria-label', `${d.closed ? 'Reopen' : 'Close'} ${plant().name} on ${weekday} ${date}`);
        toggle.addEventListener('click', () => void setClosed(d.date, !d.closed, toggle));
        return h('th', { scope: 'col', class: `day${d.closed ? ' closed' : ''}${d.date === cal.today ? ' today' : ''}`, 'data-date': d.date },
          h('span', { class: 'weekday' }, weekday), h('span', { class: 'date' }, date),
          d.closed ? h('span', { class: 'closed-tag' }, 'Closed') : null, toggle);
      }));
    const rows = lines.map((name, i) => h('tr', {},
      h('th', { scope: 'row' }, name),
      cal.days.map((d) => {
        const line = d.lines[i];
        const kind = d.closed ? 'closed' : load(line);
        const pct = line.capacity > 0 ? Math.min(100, Math.round((100 * line.booked) / line.capacity)) : 0;
        const text = d.closed ? (line.booked > 0 ? `${line.booked} booked` : '—') : `${line.booked} / ${line.capacity}`;
        const cell = h('td', { class: `slot ${kind}`, title: d.closed ? `Closed; ${line.booked} booked` : `${line.booked} of ${line.capacity} units booked` },
          h('span', { class: 'slot-text' }, text));
        if (!d.closed && line.capacity > 0) {
          const fill = h('span', {});
          fill.style.width = `${pct}%`;  // CSSOM, allowed by the page's CSP
          cell.append(h('span', { class: 'slot-bar', 'aria-hidden': 'true' }, fill));
        }
        return cell;
      })));
    return h('div', { class: 'table-wrap calendar-wrap' },
      h('table', { class: 'data calendar' },
        h('caption', { class: 'visually-hidden' }, `${plant().name}: units booked of capacity per day`),
        h('thead', {}, head), h('tbody', {}, rows)),
      h('p', { class: 'help legend' },
        h('span', { class: 'swatch free' }), 'room', h('span', { class: 'swatch busy' }), '75% or more booked',
        h('span', { class: 'swatch full' }), 'full', h('span', { class: 'swatch closed' }), 'closed'));
  }

  async function setClosed(date: string, closed: boolean, button: HTMLButtonElement): Promise<void> {
    if (closed && !confirm(`Close ${plant().name} on ${date}? New orders will be scheduled on other days.`)) return;
    button.disabled = true;
    try {
      await adminApi(`/api/v1/admin/plants/${encodeURIComponent(plant().code)}/closures`, {
        method: 'POST', body: JSON.stringify({ date, closed }),
      });
      status.textContent = `${plant().name} ${closed ? 'closed' : 'reopened'} on ${date}.`;
      await show(date);
    } catch (err) {
      button.disabled = false;
      grid.prepend(notice(describe(err), 'error'));
    }
  }

  function capacityForm(cal: Calendar): HTMLElement {
    const lines = cal.days[0]?.lines.map((l) => l.product_line) ?? [];
    const current = new Map(plant().lines.map((l) => [l.product_line, l.units_per_day]));
    const lineInput = h('input', { name: 'product_line', list: 'plant-lines', required: true, autocomplete: 'off' }) as HTMLInputElement;
    const unitsInput = h('input', { name: 'units_per_day', type: 'number', min: '0', step: '1', required: true, inputmode: 'numeric' }) as HTMLInputElement;
    const datalist = h('datalist', { id: 'plant-lines' }, lines.map((l) => h('option', { value: l })));
    lineInput.addEventListener('change', () => {
      const units = current.get(lineInput.value);
      if (units !== undefined) unitsInput.value = String(units);
    });
    const save = h('button', { type: 'submit' }, 'Save capacity');
    const form = h('form', { class: 'card capacity-form', novalidate: true },
      h('h2', {}, 'Daily capacity'),
      h('p', { class: 'help' }, 'Units per day this plant can build of a product line (the product model\'s id). 0 stops new orders for that line here.'),
      h('div', { class: 'row' },
        field('Product line', lineInput, 'product_line').wrap, datalist,
        field('Units per day', unitsInput, 'units_per_day').wrap,
        h('div', { class: 'field' }, save)));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      save.disabled = true;
      try {
        const units = unitsInput.value.trim() === '' ? null : Number(unitsInput.value);
        await adminApi(`/api/v1/admin/plants/${encodeURIComponent(plant().code)}/capacity`, {
          method: 'POST', body: JSON.stringify({ product_line: lineInput.value.trim(), units_per_day: units }),
        });
        const p = plant();
        const existing = p.lines.find((l) => l.product_line === lineInput.value.trim());
        if (existing) existing.units_per_day = units ?? 0;
        else p.lines.push({ product_line: lineInput.value.trim(), units_per_day: units ?? 0 });
        status.textContent = `Capacity of ${lineInput.value.trim()} at ${p.name} set to ${units} per day.`;
        await show();
      } catch (err) {
        showError(form, err);
      } finally {
        save.disabled = false;
      }
    });
    return form;
  }

  plantSelect.addEventListener('change', () => void show());
  fromInput.addEventListener('change', () => void show());
  controls.addEventListener('submit', (e) => { e.preventDefault(); void show(); });
  earlier.addEventListener('click', () => { fromInput.value = addDays(fromInput.value, -DAYS); void show(); });
  later.addEventListener('click', () => { fromInput.value = addDays(fromInput.value, DAYS); void show(); });
  await show();
}
