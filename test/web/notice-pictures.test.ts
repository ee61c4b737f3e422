/**
 * Issue 15: "the Teams cards and e-mails of each kind are shown" — pictures the region's
 * communicators can approve. A rehearsed Friday morning through the real use cases (a P1
 * incident, an overdue ITD decision, the 10:00 DSL agenda and the coordinator's digest) on the
 * real notifier and dispatcher; the e-mails are the HTML the ACS adapter sends, the cards the
 * Adaptive Cards the Teams workflow gets. Real headless Chromium renders each mail as a mail
 * client does, and each card with the Adaptive Cards JavaScript renderer (`adaptivecards`, the
 * library Microsoft publishes for HTML hosts), and writes docs/img/notice-*.png, which
 * docs/notifications.md shows.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { tickGoLive } from '../../shared/app/calendar/tick';
import { applyChallengeCommand, handleEscalationDeadline, raiseChallenge } from '../../shared/escalation/app/challenges';
import { putGoLive } from '../../shared/app/golives';
import { createIncident } from '../../shared/app/incidents';
import { ChallengeInput, DecisionRequestInput, TriageInput } from '../../shared/escalation/domain/challenge';
import { IncidentInput } from '../../shared/domain/incident';
import { ISO_INSTANT } from '../../shared/domain/local-time';
import { calendarOrg } from '../calendar/support';
import { FakeActivity, FakeChannel, FakeEmail } from '../notifications/support/fake-transports';
import { harness, type Harness } from '../notifications/support/harness';
import { launchChromium } from './browser';

jest.setTimeout(120_000);

const G = 'vag-1';
const ROOT = path.resolve(__dirname, '../..');
const IMG = path.join(ROOT, 'docs/img');
const AC = path.join(ROOT, 'node_modules/adaptivecards/dist');
const fri = (hhmm: string) => new Date(Date.parse(`2026-11-27T${hhmm}:00+01:00`)).toISOString();

let h: Harness;
let browser: Browser;
const email = new FakeEmail();
const channel = new FakeChannel();

beforeAll(async () => {
  h = await harness({ transports: { email, teamsChannel: channel, teamsActivity: new FakeActivity() } });
  const s = { repo: h.repo, clock: h.clock, notifier: h.notifier };
  const at = (t: string) => h.clock.set(fri(t));
  at('08:40');
  // The coordinator reads one digest per DSL cycle (issue 15 item 7).
  await putGoLive(s, G, calendarOrg({ notifications: { people: [{ personId: 'karl', email: 'digest', readsChannels: [] }] } }));
  const raised = await raiseChallenge(s, {
    goLiveId: G,
    input: ChallengeInput.parse({
      id: 'etiketter',
      title: 'Etikettskrivare skriver inte ut på akuten',
      colour: 'röd',
      areaId: 'teknik',
      needFromOthers: 'Ny drivrutin från Cosmic-teamet och två tekniker på plats.',
      sdReferences: ['SD-10422'],
    }),
  });
  const cmd = (command: Parameters<typeof applyChallengeCommand>[1]['command']) =>
    applyChallengeCommand(s, { goLiveId: G, challengeId: raised.value.id, command });
  at('08:45');
  await cmd({ type: 'triage', input: TriageInput.parse({ decision: 'startTeam', priority: 1, participants: ['Teknik', 'Cosmic'] }) });
  await cmd({
    type: 'decisionRequest',
    input: DecisionRequestInput.parse({ level: 'itd', question: 'Kalla in två extra tekniker till akuten?', deadline: fri('09:15') }),
  });
  at('09:05');
  await createIncident(s, {
    goLiveId: G,
    input: IncidentInput.parse({
      id: 'inloggning',
      title: 'Inloggning i Cosmic fungerar inte i hela regionen',
      priority: 1,
      incidentManagerId: 'ivan',
      sdReference: 'SD-10430',
      description: 'Användare får "Sessionen kunde inte skapas" vid inloggning. Leverantören felsöker.',
    }),
  });
  at('09:16');
  await handleEscalationDeadline(s, G, raised.value.id, fri('09:16'));
  // The 10:00 DSL: its agenda (and the digest) at 09:50.
  for (const t of ['09:49', '09:50']) {
    at(t);
    await tickGoLive(s, G, new Date(fri(t)));
  }
  await h.dispatcher.idle();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const mail = (subject: RegExp) => {
  const found = email.calls.map((c) => c.item).find((m) => subject.test(m.subject));
  if (!found) throw new Error(`no mail ${subject}; have ${email.calls.map((c) => c.item.subject).join(' | ')}`);
  return found;
};
const card = (forum: string, label: string) => {
  const found = channel.calls.map((c) => c.item).find((p) => p.forum === forum && JSON.stringify(p.card).includes(label));
  if (!found) throw new Error(`no ${forum} card with ${label}`);
  return found.card;
};

async function shoot(page: Page, file: string, selector?: string): Promise<void> {
  fs.mkdirSync(IMG, { recursive: true });
  const target = path.join(IMG, file);
  if (selector) await page.locator(selector).screenshot({ path: target });
  else await page.screenshot({ path: target, fullPage: true });
  expect(fs.statSync(target).size).toBeGreaterThan(10_000);
}

const MAILS: [string, RegExp][] = [
  ['notice-mail-incident.png', /^Ny incident: P1 Inloggning/],
  ['notice-mail-overdue.png', /^Försenat beslut: /],
  ['notice-mail-agenda.png', /^Dagordning: DSL kl\. 10:00$/],
  ['notice-mail-digest.png', /^Sammanfattning inför DSL: /],
];

/**
 * The agenda is laid out once per language, its points numbered once, its time as people read
 * it (the first pictures showed it twice, "4. 1. Hur har det gått…" and
 * "2026-11-27 10:00–10:30 (Europe/Stockholm)").
 */
function agendaOnce(text: string): void {
  const sv = text.split('In English')[0]!;
  expect(sv.match(/1\. Hur har det gått med tidigare röda/g)).toHaveLength(1);
  expect(sv).toContain('fre 27 nov 10:00–10:30');
  expect(text).not.toMatch(/\d+\. \d+\./);
  // (The link's meeting id carries the date; what people read does not.)
  expect(text.replace(/https?:\/\/\S+/g, '')).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  expect(text).not.toContain('Europe/Stockholm');
}

describe('e-mails, as the ACS adapter sends them', () => {
  it.each(MAILS)('%s: Swedish first, English below, local times, a link to the page', async (file, subject) => {
    const m = mail(subject);
    expect(m.html).toContain('<section lang="sv">');
    expect(m.html).toContain('<section lang="en">');
    expect(m.html).toContain('Öppna i Driftpuls');
    expect(m.text).not.toMatch(ISO_INSTANT);
    if (file === 'notice-mail-agenda.png') agendaOnce(m.text);
    const page = await browser.newPage({ viewport: { width: 720, height: 600 } });
    await page.setContent(m.html, { waitUntil: 'load' });
    await shoot(page, file);
    await page.close();
  });
});

/** Renders a card with the Adaptive Cards JS renderer, Teams-like host settings; answers the card's visible text. */
async function renderCard(page: Page, json: Record<string, unknown>): Promise<string> {
  await page.setContent(
    '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"></head>' +
      '<body style="margin:0;padding:16px;background:#f5f5f5"><div id="card" style="width:560px;background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.2)"></div></body></html>',
  );
  await page.addStyleTag({ path: path.join(AC, 'adaptivecards.css') });
  await page.addScriptTag({ path: path.join(AC, 'adaptivecards.min.js') });
  return page.evaluate((card) => {
    interface El {
      innerText: string;
      appendChild(e: El): void;
    }
    interface Ac {
      AdaptiveCard: { new (): { hostConfig: unknown; parse(j: unknown): void; render(): El }; onProcessMarkdown: unknown };
      HostConfig: new (o: unknown) => unknown;
    }
    const w = globalThis as unknown as { AdaptiveCards: Ac; document: { getElementById(id: string): El } };
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    // Teams renders TextBlocks as Markdown: backslash escapes, **bold**, line breaks.
    w.AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text: string, result: { outputHtml: string; didProcess: boolean }) => {
      result.outputHtml = text
        .split(/(\\[\s\S])/)
        .map((part) => (/^\\[\s\S]$/.test(part) ? esc(part[1]!) : esc(part).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')))
        .join('')
        .replace(/\n/g, '<br>');
      result.didProcess = true;
    };
    const ac = new w.AdaptiveCards.AdaptiveCard();
    ac.hostConfig = new w.AdaptiveCards.HostConfig({
      fontFamily: "'Segoe UI', system-ui, Arial, sans-serif",
      spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
      actions: { actionsOrientation: 'horizontal', buttonSpacing: 8, showCard: { actionMode: 'inline' } },
      containerStyles: {
        default: { backgroundColor: '#FFFFFF', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
        emphasis: { backgroundColor: '#F0F0F0', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
        attention: { backgroundColor: '#FDE7E9', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
        warning: { backgroundColor: '#FFF4CE', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
        good: { backgroundColor: '#DFF6DD', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
        accent: { backgroundColor: '#EBF3FC', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
      },
    });
    ac.parse(card);
    const el = ac.render();
    w.document.getElementById('card').appendChild(el);
    return el.innerText;
  }, json);
}

const CARDS: [string, string, string, RegExp][] = [
  ['notice-card-incident.png', 'DSL', 'Ny incident', /^Ny incident\nP1 Inloggning i Cosmic fungerar inte i hela regionen\n/],
  ['notice-card-agenda.png', 'DSL', 'Dagordning', /^Dagordning\nDSL kl\. 10:00\n/],
];

describe('Teams cards, as the forum channel shows them', () => {
  it.each(CARDS)('%s: the %s card with %s renders in Swedish, with its two actions', async (file, forum, label, starts) => {
    const page = await browser.newPage({ viewport: { width: 600, height: 400 } });
    const text = await renderCard(page, card(forum, label));
    expect(text).toMatch(starts);
    expect(text).not.toContain('\\');
    expect(text).not.toMatch(ISO_INSTANT);
    if (label === 'Dagordning') agendaOnce(text);
    await expect(page.locator('#card button').allInnerTexts()).resolves.toEqual(['Öppna i Driftpuls', 'In English']);
    await shoot(page, file, '#card');
    await page.close();
  });
});

it('docs/notifications.md shows every picture', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/notifications.md'), 'utf8');
  for (const [file] of [...MAILS, ...CARDS]) expect(doc).toContain(`(img/${file})`);
});
