// @ts-check
import { SYMBOL } from './colours.js';
import { h, s } from './dom.js';
import { clock } from './format.js';
import { t } from './i18n.js';

/** @typedef {import('./render.js').DayPicture} DayPicture */

const SHADES = /** @type {const} */ (['green', 'yellow', 'red', 'missing']);

/**
 * The picture of the day (R3.3): one stacked bar per reporting window, drawn in SVG at the
 * container's real pixel width so its text stays readable on a phone and when projected.
 * The numbers are also in a table for screen readers.
 * @param {HTMLElement} root
 * @param {DayPicture} day
 */
export function renderDayChart(root, day) {
  if (day.windows.length === 0) return root.replaceChildren(h('p', { class: 'empty' }, t('noWindows')));
  const width = Math.max(280, Math.floor(root.clientWidth || 600));
  const wide = width >= 560;
  const font = wide ? 18 : 15;
  const lineH = Math.round(font * 1.5);
  const barH = wide ? 34 : 26;
  const rowH = lineH + barH + 14;
  const barW = width - 2;
  const total = Math.max(1, day.totalUnits);

  // Per row: the check point and its numbers on one line (always readable, however thin a
  // segment), the proportions as a bar below it.
  const rows = day.windows.map((w, i) => {
    const top = i * rowH;
    const textY = top + lineH / 2;
    const y = top + lineH;
    const label = s(
      'text',
      { x: 0, y: textY, 'dominant-baseline': 'central', class: 'chart-label', 'font-size': font },
      s('tspan', { 'font-weight': 'bold' }, w.checkpoint),
      w.state === 'closed' ? null : s('tspan', { dx: 8, class: 'chart-state' }, t(w.state === 'open' ? 'windowOpen' : 'windowUpcoming')),
    );
    if (!w.counts) {
      return s(
        'g',
        { class: 'row upcoming', 'data-checkpoint': w.checkpoint },
        label,
        s('rect', { x: 1, y, width: barW, height: barH, rx: 4, class: 'seg-upcoming' }),
      );
    }
    const counts = w.counts;
    const numbers = s(
      'text',
      { x: width - 1, y: textY, 'text-anchor': 'end', 'dominant-baseline': 'central', 'font-size': font, class: 'chart-numbers' },
      ...SHADES.map((k, j) => s('tspan', { class: `num-${k}`, dx: j === 0 ? 0 : 12 }, `${SYMBOL[k]} ${counts[k]}`)),
    );
    let x = 1;
    const segs = SHADES.filter((k) => counts[k] > 0).map((k) => {
      const wSeg = (counts[k] / total) * barW;
      const g = s('g', { class: `seg seg-${k}` }, s('rect', { x: x.toFixed(1), y, width: wSeg.toFixed(1), height: barH }));
      x += wSeg;
      return g;
    });
    return s(
      'g',
      { class: `row ${w.state}`, 'data-checkpoint': w.checkpoint },
      label,
      numbers,
      ...segs,
      s('rect', { x: 1, y, width: barW, height: barH, class: 'bar-frame' }),
    );
  });
  const height = day.windows.length * rowH;

  const titleId = 'day-chart-title';
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': titleId, class: 'chart' },
    s('title', { id: titleId }, t('dayChartLabel', { date: day.date })),
    ...rows,
  );

  const legend = h(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    ...SHADES.map((k) => h('li', {}, h('span', { class: `swatch seg-${k}` }), `${SYMBOL[k]} ${t(k)}`)),
  );

  const table = h(
    'table',
    { 'data-testid': 'day-table' },
    h('caption', {}, t('dayChartLabel', { date: day.date })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('checkpoint')), ...SHADES.map((k) => h('th', { scope: 'col' }, t(k))))),
    h(
      'tbody',
      {},
      ...day.windows.map((w) =>
        h(
          'tr',
          { 'data-checkpoint': w.checkpoint },
          h(
            'th',
            { scope: 'row' },
            `${w.checkpoint} (${t('window', { from: clock(w.from, day.timeZone), to: clock(w.to, day.timeZone) })})`,
          ),
          ...SHADES.map((k) => h('td', { 'data-shade': k }, w.counts ? w.counts[k] : '–')),
        ),
      ),
    ),
  );
  root.replaceChildren(svg, legend, h('div', { class: 'visually-hidden' }, table));
}
