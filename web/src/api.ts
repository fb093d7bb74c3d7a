// Typed access to Atelier's JSON API (/api/v1). Every failure becomes an
// ApiError carrying the server's error code, message and the field at fault.

export interface Money { amount: number; currency: string }

export interface ProductSummary {
  id: number;
  sku: string;
  title: string;
  brand: string;
  price: Money;
  images: string[];
  category?: { slug: string; name: string };
  total_stock?: number;
  model_id?: string;
  reason?: string;
}

export interface Facets {
  category?: { slug: string; name: string; count: number }[];
  brand?: { name: string; count: number }[];
  price?: { min: number; max: number; count: number }[];
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

export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: { Accept: 'application/json', ...(init?.body ? { 'Content-Type': 'application/json' } : {}), ...(init?.headers ?? {}) },
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

export function formatMoney(m: Money | undefined | null): string {
  if (!m) return '';
  const value = (m.amount / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return m.currency === 'USD' ? `$${value}` : `${value} ${m.currency}`;
}

export function attributeList(a: ProductDetail['attributes']): [string, string][] {
  if (Array.isArray(a)) return a.map((x) => [x.key, String(x.value)]);
  return Object.entries(a ?? {}).map(([k, v]) => [k, String(v)]);
}
