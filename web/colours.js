// @ts-check
import { h } from './dom.js';
import { t } from './i18n.js';

/** @typedef {'green' | 'yellow' | 'red'} Colour */
/** @typedef {Colour | 'missing'} Shade */

/** Colour never carries meaning alone: each has a shape and a word too (WCAG 1.4.1). */
export const SYMBOL = /** @type {const} */ ({ green: '●', yellow: '▲', red: '■', missing: '○' });
export const STALE_SYMBOL = '◷';
export const OVERDUE_SYMBOL = '⚠';

/** @param {unknown} c @returns {c is Colour} */
export const isColour = (c) => c === 'green' || c === 'yellow' || c === 'red';

/**
 * `● Grön` as a badge coloured by its class.
 * @param {Shade} shade
 * @param {string} [label] instead of the colour's word
 */
export function badge(shade, label) {
  return h(
    'span',
    { class: `badge c-${shade}` },
    h('span', { class: 'sym', 'aria-hidden': 'true' }, SYMBOL[shade]),
    ' ',
    label ?? t(shade),
  );
}

/** @param {Shade} shade */
export const colourWord = (shade) => `${SYMBOL[shade]} ${t(shade)}`;
