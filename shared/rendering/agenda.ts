import type { Agenda, AgendaItem, AgendaRendering, AgendaSection } from '../domain/agenda';
import { COLOUR_WORDS, TREND_WORDS } from '../domain/agenda';
import type { Notice } from '../domain/calendar-notices';
import type { GoLive } from '../domain/golive';
import type { Lang } from '../domain/lang';
import { clockTime, localDay } from '../domain/local-time';
import type { Meeting } from '../domain/meetings';
import { pages } from '../domain/pages';
import { escapeHtml } from './escape';

/*
 * The agenda (R6) as people read it: one line of text per item, plain text for e-mail bodies,
 * Markdown (`?format=md`, Teams), a small HTML page (`?format=html`, e-mail) and the generic
 * `{ title, sections }` shape the notification templates render. The domain builds the agenda
 * (`shared/domain/agenda.ts`); this module only writes it out.
 */

const t = (sv: string, en: string) => ({ sv, en });

const LABEL = {
  earlier: t('Tidigare', 'Earlier'),
  new: t('Ny', 'New'),
  moved: t('har rört sig', 'moved forward'),
  notMoved: t('ingen förändring sedan förra mötet', 'no change since the previous meeting'),
  overdue: t('FÖRSENAT', 'OVERDUE'),
  none: t('Inget att ta upp.', 'Nothing to raise.'),
  discussed: t('✓ avklarad', '✓ discussed'),
};

/** One item as one line of text: tags first, then the text. */
export function itemLine(item: AgendaItem, lang: Lang): string {
  const tags: string[] = [];
  if (item.overdue) tags.push(LABEL.overdue[lang]);
  if (item.colour) tags.push(COLOUR_WORDS[item.colour][lang].toUpperCase());
  if (item.age) tags.push(LABEL[item.age][lang]);
  if (item.movedForward !== undefined) tags.push(item.movedForward ? LABEL.moved[lang] : LABEL.notMoved[lang]);
  if (item.trend && item.trend !== 'same') tags.push(TREND_WORDS[item.trend][lang]);
  if (item.discussed) tags.push(`${LABEL.discussed[lang]} (${item.discussed.by})`);
  return tags.length ? `[${tags.join(' · ')}] ${item.text}` : item.text;
}

const sectionTitle = (s: AgendaSection): string => `${s.number !== undefined ? `${s.number}. ` : ''}${s.title}`;

/** When, as people read it (issue 15 item 5): "fre 27 nov 10:00–10:30", in the go-live's zone. */
const when = (a: Agenda) => `${localDay(a.timeZone, a.start)[a.lang]} ${a.localStart.slice(11)}–${a.localEnd.slice(11)}`;

/** The generic shape `{ title, sections: [{ title, items }] }` the notification templates render. */
export function toRendering(agenda: Agenda): AgendaRendering {
  return {
    title: agenda.title,
    when: when(agenda),
    sections: agenda.sections.map((s) => ({
      title: [sectionTitle(s), ...s.prompts].join(' '),
      items: s.items.flatMap((i) => [itemLine(i, agenda.lang), ...(i.details ?? []).map((d) => `  – ${d}`)]),
    })),
  };
}

/** Plain text, for e-mail bodies. */
export function renderText(agenda: Agenda): string {
  const lines = [agenda.title, when(agenda), ''];
  if (agenda.asSent) lines.push(agenda.asSent.note, `${agenda.asSent.liveText}: ${agenda.asSent.live}`, '');
  for (const s of agenda.sections) {
    lines.push(sectionTitle(s));
    for (const p of s.prompts) lines.push(`   ${p}`);
    if (s.items.length === 0) lines.push(`   – ${LABEL.none[agenda.lang]}`);
    for (const i of s.items) {
      lines.push(`   • ${itemLine(i, agenda.lang)}`);
      for (const d of i.details ?? []) lines.push(`       – ${d}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const mdEscape = (s: string) => s.replace(/([\\`*_[\]<>#|])/g, '\\$1');

/** Markdown, for people (`?format=md`) and Teams. */
export function renderMarkdown(agenda: Agenda): string {
  const lines = [`# ${mdEscape(agenda.title)}`, '', `_${mdEscape(when(agenda))}_`, ''];
  if (agenda.asSent) lines.push(`> ${mdEscape(agenda.asSent.note)} [${mdEscape(agenda.asSent.liveText)}](${agenda.asSent.live})`, '');
  for (const s of agenda.sections) {
    lines.push(`## ${mdEscape(sectionTitle(s))}`, '');
    for (const p of s.prompts) lines.push(`_${mdEscape(p)}_`, '');
    if (s.items.length === 0) lines.push(`- ${LABEL.none[agenda.lang]}`);
    for (const i of s.items) {
      lines.push(`- ${mdEscape(itemLine(i, agenda.lang))}`);
      for (const d of i.details ?? []) lines.push(`  - ${mdEscape(d)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * A small HTML page (`?format=html`); every piece of text is escaped. `stylesheet`: the pages'
 * agenda styles (screen and A4 print, issue 16); without it the page stands alone (e-mail).
 */
export function renderHtml(agenda: Agenda, opts: { stylesheet?: string | readonly string[] } = {}): string {
  const e = escapeHtml;
  const body: string[] = [`<h1>${e(agenda.title)}</h1>`, `<p class="when">${e(when(agenda))}</p>`];
  if (agenda.asSent)
    body.push(`<p class="as-sent">${e(agenda.asSent.note)} <a href="${e(agenda.asSent.live)}">${e(agenda.asSent.liveText)}</a></p>`);
  for (const s of agenda.sections) {
    body.push(`<section data-key="${e(s.key)}"><h2>${e(sectionTitle(s))}</h2>`);
    for (const p of s.prompts) body.push(`<p class="prompt">${e(p)}</p>`);
    if (s.items.length === 0) body.push(`<p class="none">${e(LABEL.none[agenda.lang])}</p>`);
    else
      body.push(
        `<ul>${s.items
          .map((i) => {
            const classes = [i.colour, i.discussed ? 'discussed' : undefined].filter(Boolean).join(' ');
            const details = i.details?.length ? `<ul>${i.details.map((d) => `<li>${e(d)}</li>`).join('')}</ul>` : '';
            return `<li${i.colour || i.discussed ? ` class="${classes}"` : ''}>${e(itemLine(i, agenda.lang))}${details}</li>`;
          })
          .join('')}</ul>`,
      );
    body.push('</section>');
  }
  const head = `<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(agenda.title)}</title>${[
    opts.stylesheet ?? [],
  ]
    .flat()
    .map((href) => `<link rel="stylesheet" href="${e(href)}">`)
    .join('')}`;
  return `<!doctype html><html lang="${agenda.lang}"><head>${head}</head><body${opts.stylesheet ? ' class="agenda-doc"' : ''}>${body.join('')}</body></html>`;
}

/**
 * R6.5: the agenda to the forum's participants and channel. Key `agenda:{meetingId}`;
 * `data.agenda` is the generic rendering shape.
 */
export function agendaNotice(goLive: Pick<GoLive, 'id' | 'timeZone'>, meeting: Meeting, agendas: { sv: Agenda; en: Agenda }): Notice {
  const start = clockTime(goLive.timeZone, meeting.start);
  // The agenda itself travels once, as `data.agenda` (the templates lay it out for e-mail and
  // Teams); the text is only the line above it, so neither shows the agenda twice.
  return {
    kind: 'agenda',
    dedupeKey: `agenda:${meeting.id}`,
    recipients: { roles: [...meeting.participantRoles], forums: [meeting.forum] },
    subject: { sv: `${meeting.forum} kl. ${start}`, en: `${meeting.forum} at ${start}` },
    text: {
      sv: 'Dagordningen följer nedan; den levande versionen finns i Driftpuls.',
      en: 'The agenda follows; the live version is in Driftpuls.',
    },
    link: pages.meeting(goLive.id, meeting.id),
    about: { type: 'meeting', id: meeting.id },
    data: {
      meetingId: meeting.id,
      forum: meeting.forum,
      start: meeting.start,
      end: meeting.end,
      agenda: toRendering(agendas.sv),
      agendaEn: toRendering(agendas.en),
    },
  };
}
