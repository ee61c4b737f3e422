/** Templates for every kind: Swedish first, English available; all user text escaped; every card parses. */
import { escapeCardText, escapeHtml } from '../../shared/rendering/escape';
import { KIND_TEMPLATES } from '../../shared/app/notifications/templates/kinds';
import type { NotificationContent } from '../../shared/app/notifications/templates/render';
import { renderActivity, renderCard, renderEmail, renderPlainText, renderSubject } from '../../shared/app/notifications/templates/render';
import { NOTIFICATION_KINDS } from '../../shared/ports/outbox.port';
import { cardProblems, expectValidCard } from './support/cards';

const HOSTILE = '<script>alert(1)</script> **fet** _kursiv_ [klicka](https://evil.example) {{DATE(2026-11-27T08:00:00Z, SHORT)}} & "citat"';

const content = (overrides: Partial<NotificationContent> = {}): NotificationContent => ({
  kind: 'challengeRaised',
  goLiveName: 'Våg 1 <Region> & co',
  subject: { sv: `Utskrifter ${HOSTILE}`, en: `Printing ${HOSTILE}` },
  text: { sv: `Första stycket ${HOSTILE}\n\n# Rubrik?\n- lista?\n1. numrerad?`, en: `First paragraph ${HOSTILE}` },
  link: 'http://127.0.0.1:7071/golives/vag-1/challenges/c-1?x=1&y=2',
  data: { facts: [{ label: { sv: 'Område', en: 'Area' }, value: `Teknik ${HOSTILE}` }] },
  ...overrides,
});

const agenda = {
  title: { sv: 'Dagordning DSL 10:00', en: 'Agenda DSL 10:00' },
  when: 'fredag 27 november 10:00–10:30',
  sections: [
    {
      title: { sv: '1. Tidigare röda händelser', en: '1. Earlier red events' },
      items: [`Skrivare ${HOSTILE}`, { sv: 'Inloggning', en: 'Sign-in' }],
    },
    { title: { sv: '2. Nya röda händelser', en: '2. New red events' }, items: [] },
    { title: '3. Intressanta gröna reflektioner', items: ['Akuten: allt flyter'] },
    // A section without a number (the DSL agenda's overdue decisions come before point 1).
    { title: { sv: 'Försenade beslut', en: 'Overdue decisions' }, items: [] },
  ],
};

/** Every string a card shows, nested cards included. */
function cardTexts(card: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of ['text', 'title', 'value']) if (typeof o[k] === 'string') out.push(o[k] as string);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe.each(NOTIFICATION_KINDS)('kind %s', (kind) => {
  const c = content({ kind, ...(kind === 'agenda' ? { data: { agenda } } : {}) });

  it('has a subject in Swedish and in English, led by the kind’s label, on one line', () => {
    expect(renderSubject(c, 'sv').startsWith(`${KIND_TEMPLATES[kind].label.sv}: Utskrifter`)).toBe(true);
    expect(renderSubject(c, 'en').startsWith(`${KIND_TEMPLATES[kind].label.en}: Printing`)).toBe(true);
    expect(renderSubject(c, 'sv')).not.toMatch(/[\r\n]/);
  });

  it('renders an e-mail, Swedish first, English after, with the link', () => {
    const mail = renderEmail(c);
    expect(mail.subject).toBe(renderSubject(c, 'sv'));
    expect(mail.text.indexOf('Första stycket')).toBeGreaterThan(-1);
    expect(mail.text.indexOf('Första stycket')).toBeLessThan(mail.text.indexOf('First paragraph'));
    expect(mail.text).toContain(`Öppna i Driftpuls: ${c.link}`);
    expect(mail.html.indexOf('lang="sv"')).toBeLessThan(mail.html.indexOf('lang="en"'));
    expect(mail.html).toContain(`href="${escapeHtml(c.link)}"`);
  });

  it('escapes every piece of user text in the HTML', () => {
    const { html } = renderEmail(c);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<Region>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Våg 1 &lt;Region&gt; &amp; co');
    expect(html).toContain('&quot;citat&quot;');
  });

  it('renders an Adaptive Card 1.5 that the Adaptive Cards parser accepts, English behind "In English"', () => {
    const card = renderCard(c);
    expectValidCard(card);
    const showCard = (card.actions as { type: string; title: string; card?: unknown }[]).find((a) => a.type === 'Action.ShowCard');
    expect(showCard?.title).toBe('In English');
    expect(cardProblems({ ...(showCard!.card as object), version: '1.5' })).toEqual([]);
    expect(cardTexts(showCard!.card).join('\n')).toContain('First paragraph');
    expect(cardTexts(showCard!.card)).toContain('Open in Driftpuls');
  });

  it('escapes user text for the card’s Markdown and date functions', () => {
    const texts = cardTexts(renderCard(c)).join('\n');
    expect(texts).toContain('\\*\\*fet\\*\\*');
    expect(texts).toContain('\\_kursiv\\_');
    expect(texts).toContain('\\[klicka\\](https://evil.example)');
    expect(texts).not.toMatch(/\{\{DATE/);
    expect(texts).not.toMatch(/(^|[^\\])\*\*fet/);
  });

  it('gives the activity feed a topic and at most 150 characters of preview', () => {
    const a = renderActivity(c);
    expect(renderSubject(c, 'sv').startsWith(a.topic.replace(/…$/, ''))).toBe(true);
    expect(Array.from(a.topic).length).toBeLessThanOrEqual(120);
    expect(Array.from(a.preview).length).toBeLessThanOrEqual(150);
  });
});

describe('the agenda e-mail', () => {
  const c = content({ kind: 'agenda', data: { agenda } });

  it('lists the sections in order with their items, numbered as the sender numbers them, and says when a section is empty', () => {
    const sv = renderPlainText(c, 'sv');
    expect(sv).toContain('Dagordning DSL 10:00\nfredag 27 november 10:00–10:30');
    expect(sv).toMatch(
      /1\. Tidigare röda händelser\n {3}- Skrivare .*\n {3}- Inloggning\n\n2\. Nya röda händelser\n {3}\(inget\)\n\n3\. Intressanta gröna reflektioner\n {3}- Akuten: allt flyter/,
    );
    expect(renderPlainText(c, 'en')).toMatch(
      /1\. Earlier red events\n {3}- Skrivare .*\n {3}- Sign-in\n\n2\. New red events\n {3}\(nothing\)/,
    );
    // No number of its own: the template adds none (it used to number every section, so the
    // agenda's own points read "4. 1. …").
    expect(sv).toContain('\n\nFörsenade beslut\n   (inget)');
    expect(sv).not.toMatch(/\d\. \d\./);
  });

  it('takes the English agenda from data.agendaEn when the sender gives one', () => {
    const both = content({
      kind: 'agenda',
      data: { agenda, agendaEn: { title: 'Agenda', sections: [{ title: '1. Only in English', items: [] }] } },
    });
    expect(renderPlainText(both, 'en')).toContain('1. Only in English');
    expect(renderPlainText(both, 'sv')).toContain('1. Tidigare röda händelser');
    expect(renderPlainText(both, 'sv')).not.toContain('Only in English');
  });

  it('renders the agenda in HTML as a list of sections with item lists, escaped', () => {
    const { html } = renderEmail(c);
    expect(html).toMatch(/<ul[^>]*>\s*<li[^>]*><strong>1\. Tidigare röda händelser<\/strong><ul[^>]*><li>Skrivare &lt;script&gt;/);
    expect(html).not.toContain('<ol');
    expect(html).toContain('<li>Inloggning</li>');
    expect(html).toContain('<li>Sign-in</li>');
  });

  it('shows the agenda on the card, sections numbered', () => {
    const texts = cardTexts(renderCard(c));
    expect(texts).toContain('1\\. Tidigare röda händelser');
    expect(texts).toContain('• Inloggning');
    expect(texts).toContain('(inget)');
  });

  it('ignores an agenda of the wrong shape rather than failing the notification', () => {
    const broken = content({ kind: 'agenda', data: { agenda: { sections: 'nope' } } });
    expect(renderPlainText(broken, 'sv')).not.toContain('undefined');
    expectValidCard(renderCard(broken));
  });
});

describe('escaping', () => {
  it('escapes Markdown only where it would act, and breaks {{ }}', () => {
    expect(escapeCardText('a*b_c`d~e')).toBe('a\\*b\\_c\\`d\\~e');
    expect(escapeCardText('# rubrik\n- punkt\n+ punkt\n12. maj\n> citat')).toBe('\\# rubrik\n\\- punkt\n\\+ punkt\n12\\. maj\n\\> citat');
    expect(escapeCardText('{{x}}')).toBe('{\u200B{x}\u200B}');
    expect(escapeCardText('Akuten 12.3 %-enheter')).toBe('Akuten 12.3 %-enheter');
  });

  it('removes control characters and bidi overrides', () => {
    expect(escapeHtml('a\u0007b\u202Ec')).toBe('abc');
  });

  it('uses the sender’s HTML when given, instead of paragraphs from the text', () => {
    const { html } = renderEmail(content({ html: { sv: '<p><b>Eget</b></p>', en: '<p><b>Own</b></p>' } }));
    expect(html).toContain('<p><b>Eget</b></p>');
    expect(html).not.toContain('Första stycket');
  });
});
