// A configuration being built on the configurator page: the shopper's picks
// and personalization, and how they travel: to the configure API, to the cart
// and into a URL ("same as this order, but…" links).
import { api, PersonalizationInput, ProductModel, Selections } from './api';

export interface TextInput { lines: string[]; font?: string }
export interface ImageInput { name: string; content_type: string; bytes: number; width: number; height: number; image: HTMLImageElement }

// The state of the page between requests: what the shopper picked and typed.
export interface Draft {
  model: ProductModel;
  selections: Selections;
  text: Record<string, TextInput>;
  images: Record<string, ImageInput>;
}

// Characters as the server counts them: emoji joiners and modifiers are part
// of the emoji before them.
export function charCount(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x200d || cp === 0xfe0f || cp === 0x20e3 || (cp >= 0x1f3fb && cp <= 0x1f3ff)) continue;
    n++;
  }
  return n;
}

export function truncateChars(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (charCount(out + ch) > max) break;
    out += ch;
  }
  return out;
}

export function personalizationInputs(d: Draft): PersonalizationInput[] {
  const out: PersonalizationInput[] = [];
  for (const f of d.model.personalization) {
    if (f.type === 'text') {
      const t = d.text[f.id];
      const text = (t?.lines ?? []).join('\n').replace(/\n+$/, '');
      if (!text.trim()) continue;
      out.push({ field: f.id, text, ...(f.fonts?.length ? { font: t?.font ?? f.fonts[0].id } : {}) });
    } else {
      const img = d.images[f.id];
      if (img) out.push({ field: f.id, content_type: img.content_type, bytes: img.bytes, width: img.width, height: img.height });
    }
  }
  return out;
}

// Personalization as carts and orders keep it: field -> text, "<field>.font"
// -> font. Pictures cannot travel through the cart yet, so they stay out.
export function cartPersonalization(d: Draft): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of personalizationInputs(d)) {
    if (p.text === undefined) continue;
    out[p.field] = p.text;
    if (p.font) out[`${p.field}.font`] = p.font;
  }
  return out;
}

// Where the configuration lives in the URL, so that a reload, a shared link
// or "same as this order, but…" opens the same picks: ?<option>=<value> and
// p.<field>=<text>, p.<field>.font=<font>.
export function configureUrl(modelId: string, selections: Selections, personalization: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(selections)) q.set(k, v);
  for (const [k, v] of Object.entries(personalization)) q.set(`p.${k}`, v);
  const s = q.toString();
  return `/configure/${encodeURIComponent(modelId)}${s ? `?${s}` : ''}`;
}


// Product models by id, fetched once per page load (cart, checkout and order
// pages show configured items with the model's own labels).
const models = new Map<string, Promise<ProductModel | null>>();
export function loadModel(id: string): Promise<ProductModel | null> {
  let m = models.get(id);
  if (!m) {
    m = api<ProductModel>(`/api/v1/models/${encodeURIComponent(id)}`).catch(() => null);
    models.set(id, m);
  }
  return m;
}

export async function loadModels(ids: string[]): Promise<Map<string, ProductModel>> {
  const out = new Map<string, ProductModel>();
  const unique = [...new Set(ids)];
  const got = await Promise.all(unique.map(loadModel));
  unique.forEach((id, i) => { const m = got[i]; if (m) out.set(id, m); });
  return out;
}

// The picks in the shop's words, in model order: "Paint: Racing Red",
// "Towing package" for a yes, nothing for a no or an accessory left out.
export function describeConfiguration(model: ProductModel | undefined | null, selections: Selections): string[] {
  if (!model) {
    return Object.entries(selections).filter(([, v]) => v !== 'false' && v !== 'none')
      .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${v === 'true' ? 'yes' : v.replace(/_/g, ' ')}`);
  }
  const out: string[] = [];
  for (const o of model.options) {
    const v = selections[o.id];
    if (v === undefined || v === 'false') continue;
    const value = o.values.find((x) => x.id === v);
    if (value?.absent) continue;
    out.push(o.kind === 'bool' ? o.label : `${o.label}: ${value?.label ?? v}`);
  }
  return out;
}

// Personalization as the shopper typed it: "Engraving: “For Ada / 2026”".
export function describePersonalization(model: ProductModel | undefined | null, p: Record<string, string> | undefined): string[] {
  return Object.entries(p ?? {}).filter(([k]) => !k.endsWith('.font')).map(([k, v]) => {
    const label = model?.personalization.find((f) => f.id === k)?.label ?? k;
    return `${label}: “${v.replace(/\n/g, ' / ')}”`;
  });
}
