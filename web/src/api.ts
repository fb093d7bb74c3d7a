// Typed access to Atelier's JSON API (/api/v1). Every failure becomes an
// ApiError carrying the server's error code, message and the field at fault.

export interface Money { amount: number; currency: string }

export interface ProductSummary {
  id: number;
  sku: string;
  title: string;
  brand: string;
  price: Money;
  images?: string[];
  image?: string | null;
  category?: { slug: string; name: string };
  total_stock?: number;
  model_id?: string;
  reason?: string;
}

export interface Facets {
  category?: { slug: string; name: string; count: number }[];
  brand?: { name: string; count: number }[];
  price?: { min: Money; max: Money | null; count: number }[];
}

export interface SearchResponse {
  items: ProductSummary[];
  total: number;
  page: number;
  per_page: number;
  facets: Facets;
  suggestion?: string | null;
  accessories?: ProductSummary[];
}

export interface CategoryNode {
  id: number;
  slug: string;
  name: string;
  product_count?: number;
  children?: CategoryNode[];
}

export interface StockLine {
  location: { code: string; name: string; type: string; region: string };
  quantity: number;
  configuration?: unknown;
}

export interface ProductDetail extends ProductSummary {
  description: string;
  attributes: Record<string, string | number | boolean> | { key: string; value: string | number | boolean }[];
  category_path?: { slug: string; name: string }[];
  stock?: StockLine[];
}

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public field?: string) {
    super(message);
  }
}

// The session's CSRF token (from GET /api/v1/auth/me or a login): echoed in
// X-CSRF-Token on every write, as the server requires for cookie sessions.
let csrfToken = '';
export function setCsrfToken(token: string | undefined | null): void {
  csrfToken = token ?? '';
}

export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const method = (init?.method ?? 'GET').toUpperCase();
  const write = method !== 'GET' && method !== 'HEAD';
  const res = await fetch(path, {
    ...init,
    headers: {
      Accept: 'application/json',
      ...(write ? { 'Content-Type': 'application/json' } : {}),
      ...(write && csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
      ...(init?.headers ?? {}),
    },
    credentials: 'same-origin',
  });
  const text = await res.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, 'bad_response', `The shop answered with something unexpected (${res.status}).`);
  }
  if (!res.ok) {
    const e = body?.error ?? {};
    throw new ApiError(res.status, e.code ?? 'error', e.message ?? `Request failed (${res.status})`, e.field);
  }
  return body as T;
}

// A JSON write (POST/PATCH/DELETE) with `body` serialized.
export function send<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  return api<T>(path, { method, body: body === undefined ? (method === 'DELETE' ? undefined : '{}') : JSON.stringify(body), headers });
}

export function formatMoney(m: Money | undefined | null): string {
  if (!m) return '';
  const value = (m.amount / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return m.currency === 'USD' ? `$${value}` : `${value} ${m.currency}`;
}

export function attributeList(a: ProductDetail['attributes']): [string, string][] {
  if (Array.isArray(a)) return a.map((x) => [x.key, String(x.value)]);
  return Object.entries(a ?? {}).map(([k, v]) => [k, String(v)]);
}

// ---- Configurable products (GET /api/v1/models/{id}, POST .../configure) ----

export interface ModelValue {
  id: string;
  label: string;
  price_delta: Money;
  lead_time_days?: number;
  image?: string;
  number?: number;
  absent?: boolean;
}

export interface ModelOption {
  id: string;
  label: string;
  kind: 'enum' | 'bool' | 'range';
  optional: boolean;
  values: ModelValue[];
}

export interface Font { id: string; label: string; emoji: boolean }

export interface PersonalizationField {
  id: string;
  label: string;
  type: 'text' | 'image';
  required: boolean;
  price_delta: Money;
  max_lines?: number;
  max_chars_per_line?: number;
  charset?: string;
  allow_emoji?: boolean;
  fonts?: Font[];
  accepted_types?: string[];
  max_bytes?: number;
  min_width?: number;
  min_height?: number;
}

export interface ProductModel {
  id: string;
  name: string;
  version: number;
  base_price: Money;
  lead_time_days: number;
  plants: string[];
  options: ModelOption[];
  rules: { id: string; message: string }[];
  personalization: PersonalizationField[];
}

export interface ModelSummary {
  id: string;
  name: string;
  version: number;
  base_price: Money;
  option_count: number;
  personalization_count: number;
}

export type Selections = Record<string, string>;

export interface PersonalizationInput {
  field: string;
  text?: string;
  font?: string;
  content_type?: string;
  bytes?: number;
  width?: number;
  height?: number;
}

export interface ValueState {
  id: string;
  label: string;
  available: boolean;
  price_delta: Money;
  popular?: boolean;
  reason?: { rule_ids: string[]; message: string; picks_to_drop: string[] };
}

export interface OptionState {
  id: string;
  label: string;
  selected: string | null;
  implied?: string;
  values: ValueState[];
}

export interface ConfigureState {
  model: string;
  version: number;
  status: 'ok' | 'conflict';
  conflict?: { picks: string[]; rule_ids: string[]; message: string };
  options: OptionState[];
  price: { now: Money; min: Money | null; max: Money | null };
  count: string | null;
  complete: boolean;
  cheapest_completion: Selections;
  cheapest_exact?: boolean;
  lead_time_days: number;
  plants: string[];
  personalization_errors: { field: string; code: string; message: string }[];
}

// ---- Availability (POST /api/v1/models/{id}/availability) ----

export interface Location { code: string; name: string; type: string; region: string }

export interface StockOffer {
  stock_unit_id: number;
  sku: string;
  location: Location;
  quantity: number;
  configuration: Selections;
  price: Money;
  within_budget: boolean;
  transit_days: number;
  delivery_date: string;
}

export interface Alternative {
  offer: StockOffer;
  distance: number;
  differences: { option_id: string; wanted: string; offered: string; text: string }[];
  price_difference: Money | null;
  summary: string;
}

export interface Availability {
  exact: StockOffer[];
  alternatives: Alternative[];
  build_to_order: { price: Money; within_budget: boolean; delivery_date: string; build_date?: string; plant?: string; product_line?: string; transit_days?: number } | null;
  build_to_order_unavailable: string | null;
  skipped_units?: number;
}

// ---- Accounts, cart, orders ----

export interface Account { id: number; email: string; role: string; region: string }

export interface ConfiguredItem {
  model_id: string;
  model_version: number;
  selections: Selections;
  personalization: Record<string, string>;
  stock_unit_id: number | null;
}

export interface CartLine {
  id: number;
  kind: 'product' | 'configured';
  sku: string;
  title: string;
  quantity: number;
  unit_price: Money;
  line_total: Money;
  problem: string | null;
  configured: ConfiguredItem | null;
}

export interface Cart { id: number; lines: CartLine[]; subtotal: Money; item_count: number }

export interface OrderLine {
  line_no: number;
  kind: 'product' | 'configured';
  sku: string;
  product_id?: number | null;  // the SKU's product today
  title?: string;              // product title or the model's name
  configured: ConfiguredItem | null;
  quantity: number;
  unit_price: Money;
  line_total: Money;
  fulfilment: string;  // "stock" | "build_to_order"
  ships_from?: string;
  build_date?: string | null;
  delivery_date?: string | null;
}

export interface TrackingStep { status: string; done: boolean; at: number | null }

// Who and where an order goes (null: the checkout named no address).
export interface ShippingAddress {
  name: string;
  line1: string;
  line2: string;
  city: string;
  state?: string;  // "" when none; older servers send none
  postal_code: string;
  region: string;
  country: string;
}

// The account's saved default shipping address (GET/PUT
// /api/v1/account/address): what checkout fills in and one-click buys ship to.
export interface SavedAddress {
  name: string;
  line1: string;
  line2: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
  updated_at?: number;
}

// The saved address; null when the account has none (or the shop is too
// old to keep one).
export async function savedAddress(): Promise<SavedAddress | null> {
  try {
    return (await api<{ address: SavedAddress | null }>('/api/v1/account/address')).address;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

export interface Order {
  id: number;
  status: string;
  fulfilment?: string;
  region: string;
  shipping?: ShippingAddress | null;
  total: Money;
  expected_delivery_date: string | null;
  payment_status?: string;
  created_at: number;
  updated_at?: number;
  lines: OrderLine[];
  events?: { status: string; at: number; note: string }[];
  tracking?: TrackingStep[];
}

// The shop's shipping regions (the demo's distribution centres serve these).
export const regions: [string, string][] = [
  ['us-east', 'US East'],
  ['us-central', 'US Central'],
  ['us-west', 'US West'],
];

// The countries the shop delivers to (ISO 3166-1 alpha-2, as the checkout
// sends them), from its North American warehouses.
export const countries: [string, string][] = [
  ['US', 'United States'],
  ['CA', 'Canada'],
  ['MX', 'Mexico'],
];

// The states, provinces and territories of the countries whose addresses
// need one (the shop requires it for US, CA and AU), by postal code.
export const statesOf: Record<string, { label: string; choices: [string, string][] }> = {
  US: { label: 'State', choices: [
    ['AL', 'Alabama'], ['AK', 'Alaska'], ['AZ', 'Arizona'], ['AR', 'Arkansas'], ['CA', 'California'], ['CO', 'Colorado'],
    ['CT', 'Connecticut'], ['DE', 'Delaware'], ['DC', 'District of Columbia'], ['FL', 'Florida'], ['GA', 'Georgia'],
    ['HI', 'Hawaii'], ['ID', 'Idaho'], ['IL', 'Illinois'], ['IN', 'Indiana'], ['IA', 'Iowa'], ['KS', 'Kansas'],
    ['KY', 'Kentucky'], ['LA', 'Louisiana'], ['ME', 'Maine'], ['MD', 'Maryland'], ['MA', 'Massachusetts'],
    ['MI', 'Michigan'], ['MN', 'Minnesota'], ['MS', 'Mississippi'], ['MO', 'Missouri'], ['MT', 'Montana'],
    ['NE', 'Nebraska'], ['NV', 'Nevada'], ['NH', 'New Hampshire'], ['NJ', 'New Jersey'], ['NM', 'New Mexico'],
    ['NY', 'New York'], ['NC', 'North Carolina'], ['ND', 'North Dakota'], ['OH', 'Ohio'], ['OK', 'Oklahoma'],
    ['OR', 'Oregon'], ['PA', 'Pennsylvania'], ['RI', 'Rhode Island'], ['SC', 'South Carolina'], ['SD', 'South Dakota'],
    ['TN', 'Tennessee'], ['TX', 'Texas'], ['UT', 'Utah'], ['VT', 'Vermont'], ['VA', 'Virginia'], ['WA', 'Washington'],
    ['WV', 'West Virginia'], ['WI', 'Wisconsin'], ['WY', 'Wyoming'], ['AS', 'American Samoa'], ['GU', 'Guam'],
    ['MP', 'Northern Mariana Islands'], ['PR', 'Puerto Rico'], ['VI', 'U.S. Virgin Islands'],
    ['UM', 'U.S. Minor Outlying Islands'], ['AA', 'Armed Forces Americas'], ['AE', 'Armed Forces Europe'],
    ['AP', 'Armed Forces Pacific']] },
  CA: { label: 'Province or territory', choices: [
    ['AB', 'Alberta'], ['BC', 'British Columbia'], ['MB', 'Manitoba'], ['NB', 'New Brunswick'],
    ['NL', 'Newfoundland and Labrador'], ['NS', 'Nova Scotia'], ['NT', 'Northwest Territories'], ['NU', 'Nunavut'],
    ['ON', 'Ontario'], ['PE', 'Prince Edward Island'], ['QC', 'Quebec'], ['SK', 'Saskatchewan'], ['YT', 'Yukon']] },
  AU: { label: 'State or territory', choices: [
    ['ACT', 'Australian Capital Territory'], ['NSW', 'New South Wales'], ['NT', 'Northern Territory'],
    ['QLD', 'Queensland'], ['SA', 'South Australia'], ['TAS', 'Tasmania'], ['VIC', 'Victoria'], ['WA', 'Western Australia']] },
};

// A country's name for people ("US" -> "United States").
export function countryName(code: string): string {
  const known = countries.find(([c]) => c === code)?.[1];
  if (known) return known;
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

// "1234567" -> "1,234,567" for arbitrary-precision counts sent as strings.
export function formatCount(n: string | null): string {
  if (n === null) return 'many';
  return n.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// A date ("2026-12-04") or timestamp (unix seconds or ms, or ISO text) for people.
export function formatDate(d: string | number | null | undefined, withTime = false): string {
  if (d === null || d === undefined || d === '') return '';
  let date: Date;
  if (typeof d === 'number') date = new Date(d < 1e12 ? d * 1000 : d);
  else if (/^\d{4}-\d{2}-\d{2}$/.test(d)) date = new Date(d + 'T12:00:00Z');
  else date = new Date(d);
  if (isNaN(date.getTime())) return String(d);
  return withTime
    ? date.toLocaleString('en-US', { month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' })
    : date.toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
}

// ---- Personal shopper (POST /api/v1/shopper/find) ----

export type ShopperOp = '=' | 'in' | '<=' | '>=' | '<' | '>';
export type ShopperScalar = string | number | boolean;
export type ShopperValue = ShopperScalar | ShopperScalar[];

export interface ShopperCondition { field: string; op?: ShopperOp; value: ShopperValue; weight?: number }

export interface ShopperFindRequest {
  specs?: ShopperCondition[];
  preferences?: ShopperCondition[];
  budget?: number | null;  // minor units
  category?: string;
  kind?: 'any' | 'product' | 'configuration';
  limit?: number;
}

export interface ShopperCheck { spec?: number; preference?: number; field: string; text: string; ok: boolean }

export interface ShopperMatch {
  kind: 'product' | 'configuration';
  product: ProductSummary;
  model_id: string | null;
  configuration: Selections | null;
  stock: { location?: string; location_name?: string; region?: string; quantity?: number } | null;
  price: Money;
  score: number;
  meets: ShopperCheck[];
  prefers: ShopperCheck[];
}

export interface ShopperRelaxChange {
  kind: 'drop' | 'loosen' | 'raise_budget';
  spec: number | null;
  field: string | null;
  text: string;
  loosened: { field: string; op: ShopperOp; value: ShopperValue } | null;
  new_budget: Money | null;
  raise_by: Money | null;
}

export interface ShopperRelaxation { description: string; changes: ShopperRelaxChange[]; yield_count: number; examples: ShopperMatch[] }

export interface ShopperFindResult {
  matches: ShopperMatch[];
  total: number;
  relaxations: ShopperRelaxation[];
  candidates: number;
  configure_calls: number;
}
