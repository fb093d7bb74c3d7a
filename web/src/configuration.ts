// A configuration being built on the configurator page: the shopper's picks
// and personalization, and how they travel: to the configure API, to the cart
// and into a URL ("same as this order, but…" links).
import { api, PersonalizationInput, ProductModel, Selections } from './api';

export interface TextInput { lines: string[]; font?: string }
// A picture for an image field: read in the browser for the preview (`image`,
// absent when it comes from a link or a past order), then uploaded
// (POST /api/v1/uploads): `upload_id` is what the cart takes.
export interface ImageInput {
  name: string; content_type: string; bytes: number; width: number; height: number;
  image: HTMLImageElement | null;
  upload_id?: string;
  uploading?: boolean;
}

const uploadId = /^upl_[0-9a-f]{32}$/;

// A picture as a cart line or order line holds it ("upl_…|image/png|<bytes>|
// <width>x<height>", or the bare id), or null for anything else.
export function parsePictureValue(value: string): Omit<ImageInput, 'name' | 'image'> | null {
  const [id, type, bytes, size] = value.split('|');
  if (!uploadId.test(id ?? '')) return null;
  const [w, hgt] = (size ?? '').split('x').map(Number);
  return { upload_id: id, content_type: type ?? '', bytes: Number(bytes) || 0, width: w || 0, height: hgt || 0 };
}

// "PNG, 640×480" for people.
export function pictureWords(p: { content_type: string; width: number; height: number }): string {
  const type = p.content_type.replace('image/', '').toUpperCase();
  return [type, p.width && p.height ? `${p.width}×${p.height}` : ''].filter(Boolean).join(', ');
}

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
      if (img && !img.uploading) out.push({ field: f.id, content_type: img.content_type, bytes: img.bytes, width: img.width, height: img.height });
    }
  }
  return out;
}

// Personalization as carts take it: field -> text, "<field>.font" -> font,
// picture field -> the upload's id (once uploaded).
export function cartPersonalization(d: Draft): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of personalizationInputs(d)) {
    if (p.text === undefined) continue;
    out[p.field] = p.text;
    if (p.font) out[`${p.field}.font`] = p.font;
  }
  for (const [field, img] of Object.entries(d.images)) {
    if (img.upload_id) out[field] = img.upload_id;
  }
  return out;
}

// Personalization for a link: as the cart takes it, with each picture's
// type, size and resolution after its id (as orders keep it), so that the
// page opened from the link can show and check it without the bytes.
export function linkPersonalization(d: Draft): Record<string, string> {
  const out = cartPersonalization(d);
  for (const [field, img] of Object.entries(d.images)) {
    if (img.upload_id) out[field] = `${img.upload_id}|${img.content_type}|${img.bytes}|${img.width}x${img.height}`;
  }
  return out;
}

// True while a picture is still on its way to the shop.
export function uploading(d: Draft): boolean {
  return Object.values(d.images).some((i) => i.uploading);
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

// One personalization value for people: its words ("Engraving: “For Ada /
// 2026”", "Printed picture: your PNG, 640×480") and, for a picture, the
// upload it names (GET /api/v1/uploads/{id} shows it to its owner).
export interface PersonalizationPart { text: string; label: string; upload_id?: string }

export function personalizationParts(model: ProductModel | undefined | null, p: Record<string, string> | undefined): PersonalizationPart[] {
  return Object.entries(p ?? {}).filter(([k]) => !k.endsWith('.font')).map(([k, v]) => {
    const field = model?.personalization.find((f) => f.id === k);
    const label = field?.label ?? k;
    const picture = field?.type !== 'text' ? parsePictureValue(v) : null;
    if (picture) return { text: `${label}: your ${pictureWords(picture) || 'picture'}`, label, upload_id: picture.upload_id };
    return { text: `${label}: “${v.replace(/\n/g, ' / ')}”`, label };
  });
}

// Where the shop serves an uploaded picture back.
export function uploadUrl(uploadId: string): string {
  return `/api/v1/uploads/${encodeURIComponent(uploadId)}`;
}
