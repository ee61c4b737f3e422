/**
 * WCAG 2.1 contrast (1.4.3) of every visible text on a page, measured in the browser: the
 * text colour (or an SVG text's fill) against the first opaque background behind it. Large
 * text (≥ 24 px, or ≥ 18.66 px bold) needs 3:1, other text 4.5:1.
 */
export interface ContrastReport {
  checked: number;
  failures: ContrastFailure[];
}

export interface ContrastFailure {
  text: string;
  ratio: number;
  needed: number;
  colour: string;
  background: string;
}

/** Runs in the page (passed to page.evaluate as a string). */
export const CONTRAST_SCRIPT = `(() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      if (e instanceof SVGElement && !(e instanceof SVGSVGElement)) continue;
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a >= 0.99) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const out = [];
  let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    const el = n.parentElement;
    if (!text || !el || el.closest('[hidden], .visually-hidden, noscript, title, option, [aria-hidden="true"]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || Number(s.opacity) === 0) continue;
    const fg = parse(el instanceof SVGElement ? s.fill : s.color);
    if (!fg) continue;
    const bg = background(el);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const got = ratio(fg, bg);
    checked++;
    if (got < needed) out.push({ text: text.slice(0, 40), ratio: Math.round(got * 100) / 100, needed, colour: s.color, background: JSON.stringify(bg) });
  }
  return { checked, failures: out };
})()`;
