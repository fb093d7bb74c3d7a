// The dashboard's access to /api/v1/admin: the merchant API key lives in
// sessionStorage (gone when the tab closes) and travels as a Bearer token.
// Every failure becomes an AdminApiError with the server's code, message and
// the field at fault, so a page can show it next to that field.

const KEY_STORAGE = 'atelier.admin.key';

export class AdminApiError extends Error {
  constructor(public status: number, public code: string, message: string, public field: string | null) {
    super(message);
  }
}

export function apiKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

export type KeyListener = () => void;
let onUnauthorized: KeyListener = () => {};
export function onKeyRejected(listener: KeyListener): void {
  onUnauthorized = listener;
}

export async function adminApi<T>(path: string, init: RequestInit = {}, key = apiKey()): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(init.headers as Record<string, string> | undefined) };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (init.body && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch {
    throw new AdminApiError(0, 'network', 'The shop server cannot be reached. Check your connection and try again.', null);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string; field?: string | null } } | null)?.error;
    const error = new AdminApiError(res.status, err?.code ?? 'http_' + res.status, err?.message ?? `${res.status} ${res.statusText}`, err?.field ?? null);
    if (res.status === 401 && key === apiKey()) onUnauthorized();
    throw error;
  }
  return body as T;
}

// A sentence for an error a page cannot place next to a field.
export function describe(error: unknown): string {
  if (error instanceof AdminApiError) {
    if (error.status === 403) return `This API key lacks the scope for this section (${error.message}). Ask for a key with it.`;
    if (error.status === 503) return `The shop is still starting: ${error.message}. Try again in a moment.`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface Money { amount: number; currency: string }
export interface ProductRef { id: number; sku: string; title: string }

export interface Location { id: number; code: string; name: string; type: string; region: string; units: number; stock_rows: number }
export interface StockItem {
  stock_unit_id: number; product: ProductRef; location: string | null; location_name: string | null;
  quantity: number; configuration: Record<string, unknown> | string | null;
}
export interface StockPage { items: StockItem[]; total: number; units: number; page: number; per_page: number }

export interface ValidationResult {
  ok: boolean;
  errors: { line: number | null; column: number | null; message: string }[];
  model: { id: string; name: string; version: number; option_count: number; rule_count: number } | null;
  count: string | null;
  engine: 'bdd' | 'sat' | null;
}

export interface OrderLine { line_no: number; kind: string; sku: string; quantity: number; line_total: Money; fulfilment: string; ships_from: string; build_date: string | null; delivery_date: string | null; configured: { model_id?: string; selections?: Record<string, string>; personalization?: Record<string, string> } | null }
export interface ShippingAddress { name: string; line1: string; line2: string; city: string; state?: string; postal_code: string; region: string; country: string }
export interface Order { id: number; status: string; fulfilment: string; region: string; shipping?: ShippingAddress | null; total: Money; expected_delivery_date: string | null; created_at: number; lines: OrderLine[] }
export interface OrderPage { items: Order[]; total: number; page: number; per_page: number }

export interface Sales {
  days: number; from: string; to: string; currency: string; dates: string[];
  series: { category: string; source: 'orders' | 'events'; revenue: number[]; units: number[] }[];
  sources: { source: string; description: string; revenue: Money; units: number }[];
}
export interface Pairs { pairs: { a: ProductRef; b: ProductRef; baskets: number; confidence: number }[]; baskets: number; source: string }
export interface OptionStats {
  model: { id: string; name: string; version: number };
  models: { id: string; name: string }[];
  options: { id: string; label: string; values: { id: string; label: string; ordered: number; in_stock: number }[] }[];
  ordered_units: number; stock_units: number;
}
export interface FulfilmentKind { orders: number; share: number; revenue: Money; line_units: number }
export interface FulfilmentStats { total_orders: number; by_fulfilment: { stock: FulfilmentKind; build_to_order: FulfilmentKind }; source: string }
export interface RecommendationStats {
  impressions_measured: boolean; note: string;
  events: Record<string, { events: number; users: number }>;
  view_to_cart: number | null; cart_to_purchase: number | null;
  recommender: { loaded: boolean; items?: number; users?: number; for_you?: string };
}
