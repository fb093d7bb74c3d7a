// Live previews of a configured product, drawn in the browser: the tablet's
// back with its engraving (SVG), the candy mix printed with the shopper's
// words and picture (canvas), and a paint swatch for anything else with a
// colour. Nothing here talks to the server.
import { h } from './dom';

// Colours for the value ids and labels the shop's models use; anything
// unknown falls back to a neutral grey.
const namedColours: Record<string, string> = {
  white: '#f4f4f2', arctic_white: '#f2f4f5', black: '#1d1d1f', jet_black: '#111214', graphite: '#4a4d52',
  grey: '#8a8d91', space_grey: '#5f6166', silver: '#c9ccd1', red: '#c8102e', racing_red: '#c8102e',
  orange: '#f28c28', yellow: '#f5d000', green: '#3aa655', forest_green: '#2f5d3a', blue: '#2c6bd6',
  ocean_blue: '#1f4e79', sky_blue: '#9cc7e8', purple: '#7b3fa0', midnight_purple: '#3b1f4f', pink: '#f29ac1',
  gold: '#d4af37', rose_gold: '#e7b8a6', midnight: '#1f2633', sand: '#cdb88f', copper: '#b4643c',
  brown: '#6b4226', tan: '#c8a17a', navy: '#1f2d52', burgundy: '#7a1f33', body: '',
};

export function colourOf(valueId: string | null | undefined): string | null {
  if (!valueId) return null;
  const key = valueId.toLowerCase().replace(/[\s-]+/g, '_');
  return key in namedColours ? namedColours[key] : null;
}

// Whether an option holds a colour (so its values get swatches).
export function isColourOption(optionId: string): boolean {
  return /colou?r|paint/.test(optionId);
}

const fontStacks: Record<string, string> = {
  serif: "Didot, 'Bodoni 72', 'Bodoni MT', Georgia, 'Times New Roman', serif",
  sans: "Helvetica, Arial, 'Liberation Sans', sans-serif",
  emoji: "system-ui, 'Noto Color Emoji', 'Apple Color Emoji', 'Segoe UI Emoji', sans-serif",
};

export function fontStack(fontId: string | undefined): string {
  return fontStacks[fontId ?? ''] ?? fontStacks.sans;
}

const svgNs = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// Relative luminance, to pick an engraving shade that shows on the finish.
function isLight(hex: string): boolean {
  const n = parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150;
}

export interface EngravingPreview {
  element: HTMLElement;
  update(opts: { colour: string | null; size: string | null; lines: string[]; font: string | undefined }): void;
}

// The back of a tablet: its finish in the picked colour, the camera, and the
// engraved lines centred in the chosen font, scaled down to fit.
export function tabletPreview(): EngravingPreview {
  const root = svg('svg', { viewBox: '0 0 300 400', role: 'img', class: 'preview-svg' }) as SVGSVGElement;
  const title = svg('title', {}, 'Preview of the engraving on the back of the tablet');
  const body = svg('rect', { x: 30, y: 20, width: 240, height: 360, rx: 26, ry: 26 });
  const sheen = svg('rect', { x: 30, y: 20, width: 240, height: 360, rx: 26, ry: 26, fill: 'url(#sheen)' });
  const defs = svg('defs', {});
  const grad = svg('linearGradient', { id: 'sheen', x1: 0, y1: 0, x2: 1, y2: 1 });
  grad.append(svg('stop', { offset: '0', 'stop-color': '#fff', 'stop-opacity': '0.28' }), svg('stop', { offset: '0.55', 'stop-color': '#fff', 'stop-opacity': '0' }),
    svg('stop', { offset: '1', 'stop-color': '#000', 'stop-opacity': '0.12' }));
  defs.append(grad);
  const camera = svg('g', {});
  camera.append(svg('rect', { x: 48, y: 38, width: 46, height: 46, rx: 12, fill: 'rgba(0,0,0,.18)' }),
    svg('circle', { cx: 61, cy: 51, r: 8, fill: '#222' }), svg('circle', { cx: 81, cy: 71, r: 8, fill: '#222' }));
  const logo = svg('text', { x: 150, y: 170, 'text-anchor': 'middle', 'font-size': 26, 'font-family': fontStacks.sans, 'font-weight': 700, opacity: 0.35 }, '◆');
  const lineEls = [0, 1, 2, 3].map((i) => svg('text', { x: 150, y: 270 + i * 30, 'text-anchor': 'middle', class: 'engraved-line' }));
  root.append(title, defs, body, sheen, camera, logo, ...lineEls);
  const element = h('figure', { class: 'preview tablet-preview' }, root as unknown as Node, h('figcaption', {}, 'Back of your tablet'));

  return {
    element,
    update({ colour, size, lines, font }) {
      const fill = colourOf(colour) ?? namedColours.silver;
      body.setAttribute('fill', fill);
      const ink = isLight(fill) ? 'rgba(40,40,45,.72)' : 'rgba(255,255,255,.78)';
      logo.setAttribute('fill', ink);
      // The mini is narrower, the 13" wider: the engraving area scales with it.
      const scale = size === 'mini' ? 0.82 : size === 's13' ? 1.08 : 1;
      root.setAttribute('viewBox', `${150 - 150 / scale} ${200 - 200 / scale} ${300 / scale} ${400 / scale}`);
      const shown = lines.filter((l, i) => l || i < lines.length - 1);
      lineEls.forEach((el, i) => {
        const text = shown[i] ?? '';
        el.textContent = text;
        el.setAttribute('fill', ink);
        el.setAttribute('font-family', fontStack(font));
        const fontSize = Math.min(22, Math.max(11, 360 / Math.max(8, text.length)));
        el.setAttribute('font-size', String(fontSize));
        el.setAttribute('y', String(262 + i * 30));
      });
    },
  };
}

export interface CandyPreview {
  element: HTMLElement;
  update(opts: { colours: string[]; lines: string[]; picture: HTMLImageElement | null; candy: string | null; packaging: string | null }): void;
}

// A handful of candies in the mix's colours; one in front, large, carries the
// printed words and the picture the way the printer lays them out.
export function candyPreview(): CandyPreview {
  const canvas = h('canvas', { width: 600, height: 440, class: 'preview-canvas', role: 'img', 'aria-label': 'Preview of your printed candy' });
  const element = h('figure', { class: 'preview candy-preview' }, canvas, h('figcaption', {}, 'Your printed candy'));
  const ctx = canvas.getContext('2d');
  // Fixed pseudo-random layout so that the pieces stay put while typing.
  const spots: [number, number, number][] = [];
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < 34; i++) spots.push([20 + rnd() * 560, 20 + rnd() * 400, rnd()]);

  function piece(x: number, y: number, r: number, fill: string, jelly: boolean) {
    if (!ctx) return;
    ctx.save();
    ctx.translate(x, y);
    ctx.beginPath();
    if (jelly) ctx.ellipse(0, 0, r * 1.35, r * 0.85, 0.3, 0, Math.PI * 2);
    else ctx.arc(0, 0, r, 0, Math.PI * 2);
    ctx.fillStyle = fill;
    ctx.shadowColor = 'rgba(0,0,0,.25)';
    ctx.shadowBlur = r * 0.35;
    ctx.shadowOffsetY = r * 0.12;
    ctx.fill();
    ctx.shadowColor = 'transparent';
    const g = ctx.createRadialGradient(-r * 0.35, -r * 0.4, r * 0.05, 0, 0, r * 1.1);
    g.addColorStop(0, 'rgba(255,255,255,.55)');
    g.addColorStop(0.5, 'rgba(255,255,255,0)');
    g.addColorStop(1, 'rgba(0,0,0,.18)');
    ctx.fillStyle = g;
    ctx.fill();
    ctx.restore();
  }

  return {
    element,
    update({ colours, lines, picture, candy, packaging }) {
      if (!ctx) return;
      const fills = colours.map((c) => colourOf(c)).filter((c): c is string => !!c);
      if (!fills.length) fills.push('#d9d9de');
      ctx.clearRect(0, 0, 600, 440);
      ctx.fillStyle = packaging === 'gift_box' ? '#f6ecdf' : packaging === 'jar' ? '#eef5f6' : '#f7f3ee';
      ctx.fillRect(0, 0, 600, 440);
      const jelly = candy === 'jelly_beans';
      const r = candy === 'mints' ? 24 : 28;
      spots.forEach(([x, y], i) => piece(x, y, r, fills[i % fills.length], jelly));
      // The hero piece.
      const hx = 300, hy = 220, hr = 150;
      piece(hx, hy, hr, fills[0], false);
      const ink = isLight(fills[0]) ? '#2a2a30' : '#ffffff';
      const text = lines.filter((l) => l.trim());
      if (picture) {
        const size = text.length ? 120 : 170;
        ctx.save();
        ctx.beginPath();
        ctx.arc(hx, hy - (text.length ? 42 : 0), size / 2, 0, Math.PI * 2);
        ctx.clip();
        const s = Math.max(size / picture.naturalWidth, size / picture.naturalHeight);
        const w = picture.naturalWidth * s, hgt = picture.naturalHeight * s;
        ctx.drawImage(picture, hx - w / 2, hy - (text.length ? 42 : 0) - hgt / 2, w, hgt);
        ctx.restore();
      }
      ctx.fillStyle = ink;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const top = picture ? hy + 52 : hy - (text.length - 1) * 24;
      text.forEach((t, i) => {
        ctx.font = `800 ${t.length > 6 ? 38 : 46}px ${fontStacks.sans}`;
        ctx.fillText(t.toUpperCase(), hx, top + i * 48);
      });
    },
  };
}

// A side view of the SUV in its paint, roof colour and wheels.
export function carPreview(): { element: HTMLElement; update(sel: Record<string, string | null>): void } {
  const root = svg('svg', { viewBox: '0 0 420 200', role: 'img', class: 'preview-svg car' });
  root.append(svg('title', {}, 'Your SUV in its paint'));
  const shadow = svg('ellipse', { cx: 210, cy: 176, rx: 175, ry: 10, fill: 'rgba(0,0,0,.15)' });
  const body = svg('path', { d: 'M30 140 L36 104 Q40 92 56 90 L110 86 L150 52 Q158 44 172 44 L300 44 Q316 44 326 54 L356 88 L384 96 Q396 100 396 114 L396 140 Q396 148 388 148 L40 148 Q30 148 30 140 Z' });
  const roof = svg('path', { d: 'M150 52 Q158 44 172 44 L300 44 Q316 44 326 54 L330 58 L146 58 Z' });
  const glass = svg('path', { d: 'M160 60 L200 60 L200 88 L128 88 Z M210 60 L296 60 Q308 60 316 70 L330 88 L210 88 Z', fill: 'rgba(30,45,70,.78)' });
  const rails = svg('rect', { x: 170, y: 38, width: 140, height: 4, rx: 2, fill: '#222' });
  const wheels = [110, 320].map((cx) => {
    const g = svg('g', {});
    g.append(svg('circle', { cx, cy: 148, r: 30, fill: '#1b1b1b' }), svg('circle', { cx, cy: 148, r: 17, class: 'rim' }), svg('circle', { cx, cy: 148, r: 4, fill: '#333' }));
    return g;
  });
  const lamp = svg('rect', { x: 380, y: 102, width: 14, height: 8, rx: 3, fill: '#ffe9a8' });
  root.append(shadow, body, roof, glass, rails, ...wheels, lamp);
  const element = h('figure', { class: 'preview car-preview' }, root as unknown as Node, h('figcaption', {}, 'Paint, roof and wheels as picked'));
  return {
    element,
    update(sel) {
      const paint = colourOf(sel.colour) ?? '#d7dade';
      body.setAttribute('fill', paint);
      const rc = sel.roof_colour && sel.roof_colour !== 'body' ? colourOf(sel.roof_colour) : null;
      roof.setAttribute('fill', rc ?? paint);
      rails.setAttribute('display', sel.roof_rails === 'true' ? 'inline' : 'none');
      const big = /20|19/.test(sel.wheels ?? '');
      for (const w of wheels) {
        const rim = w.querySelector('.rim')!;
        rim.setAttribute('r', big ? '20' : '16');
        rim.setAttribute('fill', sel.wheels?.includes('steel') ? '#6b6f75' : sel.wheels?.includes('offroad') ? '#3a3a3a' : '#c9ccd1');
      }
      lamp.setAttribute('fill', sel.headlights && sel.headlights !== 'halogen' ? '#e8f3ff' : '#ffe9a8');
    },
  };
}

// A side view of a shoe in its colour, with the picked heel height and sole.
export function shoePreview(): { element: HTMLElement; update(sel: Record<string, string | null>): void } {
  const root = svg('svg', { viewBox: '0 0 400 200', role: 'img', class: 'preview-svg shoe' });
  root.append(svg('title', {}, 'Your shoe in its colour and heel height'));
  const shadow = svg('ellipse', { cx: 200, cy: 178, rx: 170, ry: 8, fill: 'rgba(0,0,0,.12)' });
  const sole = svg('path', {});
  const heel = svg('path', {});
  const upper = svg('path', {});
  const shaft = svg('path', {});
  const stitch = svg('path', { fill: 'none', stroke: 'rgba(255,255,255,.45)', 'stroke-width': 2, 'stroke-dasharray': '5 4' });
  root.append(shadow, heel, sole, upper, shaft, stitch);
  const element = h('figure', { class: 'preview shoe-preview' }, root as unknown as Node, h('figcaption', {}, 'Colour, style and heel as picked'));
  return {
    element,
    update(sel) {
      const fill = colourOf(sel.colour) ?? '#8b6b4a';
      const heelCm = Number(sel.heel ?? 3);
      const lift = Math.min(60, heelCm * 6.5);
      // The heel lifts the back of the shoe; the toe stays on the ground.
      const by = 168 - lift;
      upper.setAttribute('d', `M40 ${by - 8} Q36 ${by - 62} 92 ${by - 70} L150 ${by - 66} Q190 ${124 - lift / 3} 250 120 Q330 118 368 150 Q380 164 360 168 L120 168 Q70 ${by + 2} 40 ${by - 8} Z`);
      upper.setAttribute('fill', fill);
      sole.setAttribute('d', `M40 ${by - 8} Q70 ${by + 4} 120 170 L360 170 Q384 170 372 160 L370 166 Q360 176 120 176 Q66 ${by + 12} 38 ${by} Z`);
      sole.setAttribute('fill', sel.sole === 'crepe' ? '#d9b77e' : sel.sole === 'rubber' ? '#2d2d2d' : '#6b4a2e');
      heel.setAttribute('d', `M44 ${by - 4} L92 ${by + 2} L86 176 L58 176 Z`);
      heel.setAttribute('fill', '#2b2b2b');
      heel.setAttribute('display', heelCm >= 3 ? 'inline' : 'none');
      const boot = sel.style === 'boot';
      shaft.setAttribute('d', `M44 ${by - 40} L52 ${by - 130} L130 ${by - 130} L150 ${by - 66} L92 ${by - 70} Z`);
      shaft.setAttribute('fill', fill);
      shaft.setAttribute('display', boot ? 'inline' : 'none');
      stitch.setAttribute('d', `M150 ${by - 60} Q200 ${128 - lift / 3} 250 128 Q320 126 356 154`);
    },
  };
}
