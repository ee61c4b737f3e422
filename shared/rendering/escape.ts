/*
 * Every piece of text that came from a person (report explanations, problem titles, names)
 * passes through one of these before it reaches a mail or a card.
 */

// C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides that can
// make a line read differently from what it says.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Plain text: line breaks normalised to \n, control characters removed. */
export function cleanText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** One line (subjects, card titles, header values): no line breaks at all. */
export function oneLine(s: string): string {
  return cleanText(s)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text into HTML element content or a quoted attribute. */
export function escapeHtml(s: string): string {
  return cleanText(s).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/** Text into HTML with its line breaks kept. */
export function htmlParagraphs(s: string): string {
  return cleanText(s)
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p style="margin:0 0 12px 0">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/**
 * Text into an Adaptive Card TextBlock, which Teams renders as Markdown: emphasis, code,
 * links, headings, lists and quotes at the start of a line are escaped with a backslash,
 * and `{{` is broken up so the card's date/time functions (`{{DATE(…)}}`) cannot fire.
 */
export function escapeCardText(s: string): string {
  return cleanText(s)
    .split('\n')
    .map((line) =>
      line
        .replace(/[\\`*_~[\]<>]/g, '\\$&')
        .replace(/^(\s*)([#+-])/, '$1\\$2')
        .replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3')
        .replace(/\{\{/g, '{\u200B{')
        .replace(/\}\}/g, '}\u200B}'),
    )
    .join('\n');
}

/** Cuts at a character boundary, with an ellipsis when it cut. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
