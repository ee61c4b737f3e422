import { z } from 'zod';
import type { Texts } from '../../../domain/errors';
import type { NotificationKind } from '../../../ports/notifier.port';
import { cleanText, escapeCardText, escapeHtml, htmlParagraphs, oneLine, truncate } from '../../../rendering/escape';
import { KIND_TEMPLATES, STYLE_COLOURS } from './kinds';

import type { Lang } from '../../../domain/lang';
export type { Lang };

/** What every template renders from: the stored notification's content. */
export interface NotificationContent {
  kind: NotificationKind;
  goLiveName: string;
  subject: Texts;
  text: Texts;
  /** The sender's own HTML body (already escaped); replaces the paragraphs built from `text`. */
  html?: Texts;
  /** Absolute link back into Driftpuls. */
  link: string;
  data?: Record<string, unknown>;
}

/** The Adaptive Card schema version Teams renders (workflows and bots: up to 1.5). */
export const CARD_VERSION = '1.5';

const OPEN: Texts = { sv: 'Öppna i Driftpuls', en: 'Open in Driftpuls' };
const IN_ENGLISH = 'In English';
const NOTHING: Texts = { sv: '(inget)', en: '(nothing)' };
/** Inline styles of the e-mail's fact labels and its button (mail clients drop style sheets). */
const FACT_LABEL_STYLE = 'text-align:left;padding:2px 16px 2px 0;font-weight:600;vertical-align:top';
const BUTTON_STYLE =
  'display:inline-block;padding:8px 16px;background:#0f6cbd;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:600';

const LocalText = z.union([z.string(), z.object({ sv: z.string(), en: z.string() })]);
type LocalText = z.infer<typeof LocalText>;

/**
 * The agenda a forum meeting gets (R6): built elsewhere from the system's state, given here
 * as `data.agenda`. Strings may be one text or `{ sv, en }`.
 */
export const AgendaData = z.object({
  title: LocalText,
  /** When and where, e.g. "fredag 27 nov 10:00–10:30". */
  when: LocalText.optional(),
  sections: z.array(z.object({ title: LocalText, items: z.array(LocalText).default([]) })).max(50),
});
export type AgendaData = z.infer<typeof AgendaData>;

/** Key facts shown as a fact list (deadline, forum, area…): `data.facts`. */
export const FactsData = z.array(z.object({ label: LocalText, value: LocalText })).max(20);

const pick = (t: LocalText, lang: Lang): string => (typeof t === 'string' ? t : t[lang]);

/** The agenda in `lang`: `data.agendaEn` when the sender gave an English one, else `data.agenda`. */
function agendaOf(c: NotificationContent, lang: Lang): AgendaData | undefined {
  const en = lang === 'en' ? AgendaData.safeParse(c.data?.agendaEn) : undefined;
  if (en?.success) return en.data;
  const r = AgendaData.safeParse(c.data?.agenda);
  return r.success ? r.data : undefined;
}

function factsOf(c: NotificationContent): z.infer<typeof FactsData> {
  const r = FactsData.safeParse(c.data?.facts);
  return r.success ? r.data : [];
}

/** The subject line in one language: "Försenat beslut: Utrullning av skrivardrivrutin". */
export function renderSubject(c: NotificationContent, lang: Lang): string {
  return truncate(`${KIND_TEMPLATES[c.kind].label[lang]}: ${oneLine(c.subject[lang])}`, 250);
}

/** The plain-text body in one language. */
export function renderPlainText(c: NotificationContent, lang: Lang): string {
  const lines: string[] = [KIND_TEMPLATES[c.kind].label[lang].toUpperCase(), oneLine(c.subject[lang]), '', cleanText(c.text[lang]).trim()];
  const facts = factsOf(c);
  if (facts.length) {
    lines.push('');
    for (const f of facts) lines.push(`${oneLine(pick(f.label, lang))}: ${oneLine(pick(f.value, lang))}`);
  }
  const agenda = agendaOf(c, lang);
  if (agenda) {
    lines.push('', oneLine(pick(agenda.title, lang)));
    if (agenda.when) lines.push(oneLine(pick(agenda.when, lang)));
    agenda.sections.forEach((s) => {
      lines.push('', oneLine(pick(s.title, lang)));
      if (s.items.length === 0) lines.push(`   ${NOTHING[lang]}`);
      for (const item of s.items) lines.push(`   - ${oneLine(pick(item, lang))}`);
    });
  }
  lines.push('', `${OPEN[lang]}: ${c.link}`);
  return lines.join('\n');
}

/** The e-mail: Swedish first, English below, as one message (people have no language setting). */
export function renderEmail(c: NotificationContent): { subject: string; text: string; html: string } {
  const text = [
    renderPlainText(c, 'sv'),
    '',
    '----------------------------------------',
    IN_ENGLISH,
    '----------------------------------------',
    '',
    renderPlainText(c, 'en'),
    '',
    '--',
    `${oneLine(c.goLiveName)} · Driftpuls`,
  ].join('\n');
  return { subject: renderSubject(c, 'sv'), text, html: renderHtml(c) };
}

function htmlSection(c: NotificationContent, lang: Lang): string {
  const t = KIND_TEMPLATES[c.kind];
  const colour = STYLE_COLOURS[t.style];
  const parts: string[] = [
    `<p style="margin:0 0 4px 0;font-size:13px;font-weight:600;letter-spacing:.02em;color:${colour}">${escapeHtml(t.label[lang])}</p>`,
    `<h1 style="margin:0 0 16px 0;font-size:20px;line-height:1.3">${escapeHtml(oneLine(c.subject[lang]))}</h1>`,
    c.html ? c.html[lang] : htmlParagraphs(c.text[lang]),
  ];
  const facts = factsOf(c);
  if (facts.length) {
    parts.push(
      '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px 0">',
      ...facts.map(
        (f) =>
          `<tr><th style="${FACT_LABEL_STYLE}">${escapeHtml(oneLine(pick(f.label, lang)))}</th>` +
          `<td style="padding:2px 0">${escapeHtml(oneLine(pick(f.value, lang)))}</td></tr>`,
      ),
      '</table>',
    );
  }
  const agenda = agendaOf(c, lang);
  if (agenda) {
    parts.push(`<h2 style="margin:16px 0 4px 0;font-size:17px">${escapeHtml(oneLine(pick(agenda.title, lang)))}</h2>`);
    if (agenda.when) parts.push(`<p style="margin:0 0 8px 0;color:#616161">${escapeHtml(oneLine(pick(agenda.when, lang)))}</p>`);
    parts.push('<ul style="margin:0 0 16px 0;padding-left:0;list-style:none">');
    for (const s of agenda.sections) {
      const items = s.items.length
        ? s.items.map((i) => `<li>${escapeHtml(oneLine(pick(i, lang)))}</li>`).join('')
        : `<li style="list-style:none;color:#616161">${escapeHtml(NOTHING[lang])}</li>`;
      parts.push(
        `<li style="margin:8px 0 0 0"><strong>${escapeHtml(oneLine(pick(s.title, lang)))}</strong><ul style="margin:4px 0 0 0;padding-left:20px">${items}</ul></li>`,
      );
    }
    parts.push('</ul>');
  }
  parts.push(`<p style="margin:16px 0"><a href="${escapeHtml(c.link)}" style="${BUTTON_STYLE}">${escapeHtml(OPEN[lang])}</a></p>`);
  return `<section lang="${lang}">\n${parts.join('\n')}\n</section>`;
}

/** The HTML e-mail: a simple, table-free layout that mail clients render as written. */
export function renderHtml(c: NotificationContent): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="sv">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(renderSubject(c, 'sv'))}</title></head>`,
    '<body style="margin:0;padding:0;background:#f5f5f5;font-family:\'Segoe UI\',Arial,sans-serif;font-size:15px;line-height:1.5;color:#242424">',
    '<div style="max-width:640px;margin:0 auto;padding:24px;background:#ffffff">',
    htmlSection(c, 'sv'),
    '<hr style="border:none;border-top:1px solid #d1d1d1;margin:24px 0">',
    `<p style="margin:0 0 12px 0;font-size:13px;color:#616161">${IN_ENGLISH}</p>`,
    htmlSection(c, 'en'),
    `<p style="margin:24px 0 0 0;font-size:12px;color:#616161">${escapeHtml(oneLine(c.goLiveName))} · Driftpuls</p>`,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
}

type CardElement = Record<string, unknown>;

const textBlock = (text: string, extra: CardElement = {}): CardElement => ({ type: 'TextBlock', text, wrap: true, ...extra });

function cardBody(c: NotificationContent, lang: Lang): CardElement[] {
  const t = KIND_TEMPLATES[c.kind];
  const body: CardElement[] = [
    {
      type: 'Container',
      style: t.style,
      bleed: true,
      items: [
        textBlock(escapeCardText(t.label[lang]), { size: 'Small', weight: 'Bolder' }),
        textBlock(escapeCardText(oneLine(c.subject[lang])), { size: 'Medium', weight: 'Bolder', spacing: 'None' }),
      ],
    },
  ];
  // One block per paragraph: a lone \n is not a line break in every Teams client.
  for (const p of cleanText(c.text[lang])
    .split(/\n{2,}/)
    .map((s) => s.trim())
    .filter(Boolean))
    body.push(textBlock(escapeCardText(p)));
  const facts = factsOf(c);
  if (facts.length)
    body.push({
      type: 'FactSet',
      facts: facts.map((f) => ({
        title: escapeCardText(oneLine(pick(f.label, lang))),
        value: escapeCardText(oneLine(pick(f.value, lang))),
      })),
    });
  const agenda = agendaOf(c, lang);
  if (agenda) {
    body.push(textBlock(escapeCardText(oneLine(pick(agenda.title, lang))), { size: 'Medium', weight: 'Bolder', separator: true }));
    if (agenda.when) body.push(textBlock(escapeCardText(oneLine(pick(agenda.when, lang))), { isSubtle: true, spacing: 'None' }));
    agenda.sections.forEach((s) => {
      body.push(textBlock(escapeCardText(oneLine(pick(s.title, lang))), { weight: 'Bolder' }));
      const items = s.items.length ? s.items.map((item) => `• ${escapeCardText(oneLine(pick(item, lang)))}`) : [NOTHING[lang]];
      for (const line of items) body.push(textBlock(line, { spacing: 'None' }));
    });
  }
  body.push(textBlock(escapeCardText(`${oneLine(c.goLiveName)} · Driftpuls`), { size: 'Small', isSubtle: true, separator: true }));
  return body;
}

/**
 * The Adaptive Card for a forum channel (Teams workflow webhook): Swedish, with the English
 * version behind "In English" and "Öppna i Driftpuls" leading back to the object.
 */
export function renderCard(c: NotificationContent): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body: cardBody(c, 'sv'),
    actions: [
      { type: 'Action.OpenUrl', title: OPEN.sv, url: c.link },
      {
        type: 'Action.ShowCard',
        title: IN_ENGLISH,
        card: { type: 'AdaptiveCard', body: cardBody(c, 'en'), actions: [{ type: 'Action.OpenUrl', title: OPEN.en, url: c.link }] },
      },
    ],
    msteams: { width: 'Full' },
  };
}

/** The activity-feed notice: one line of topic and the first 150 characters of the text. */
export function renderActivity(c: NotificationContent): { topic: string; preview: string } {
  return { topic: truncate(renderSubject(c, 'sv'), 120), preview: truncate(oneLine(c.text.sv), 150) };
}
