/**
 * The status board end to end (issue 6): the whole app in-process on a simulated clock with
 * the demo go-live, driven through a real headless Chromium. Screenshots at phone and wall
 * width land in test-output/ for people to look at.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ACCESS_MATRIX } from '../../shared/domain/access';
import { startApi, type Api } from '../http/harness';
import { launchChromium, screenshotPath, watch, type InPage, type PageWatch } from './browser';
import { CONTRAST_SCRIPT, type ContrastReport } from './contrast';

// A real browser on a machine busy with the whole suite: room above jest's default 30 s.
jest.setTimeout(90_000);

// The challenges API (R7) is another issue's; its test runs once that route is part of the app.
const HAS_CHALLENGES = 'postChallenge' in ACCESS_MATRIX;

// 11:00 local on day 0 (Friday 27 November 2026, CET): the demo's reports are from the last four hours.
const START = '2026-11-27T10:00:00Z';
const G = '/golives/demo';

let api: Api;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let seen: PageWatch;

beforeAll(async () => {
  api = await startApi({ start: START, demo: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

/** A fresh page (empty localStorage) with the board loaded at `hash`. */
async function open(hash = '', opts: { width?: number; height?: number; headers?: Record<string, string> } = {}): Promise<Page> {
  await context?.close();
  context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    extraHTTPHeaders: opts.headers,
  });
  page = await context.newPage();
  seen = watch(page);
  await page.goto(`${api.url}/board/demo${hash}`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return page;
}

afterEach(() => {
  // Nothing leaves the app's own origin (no CDN fonts or scripts), and nothing went wrong in the page.
  const origin = new URL(api.url).origin;
  expect(seen?.requests.filter((u) => !u.startsWith(origin)) ?? []).toEqual([]);
  expect(seen?.errors ?? []).toEqual([]);
});

const tile = (unitId: string) => page.locator(`#units li[data-unit="${unitId}"]`);
const unitReports = async (unitId: string) =>
  (await api.get(`${G}/units/${unitId}/reports`)).json.items as { id: string; colour: string; explanation: string }[];

describe('the page', () => {
  it('is served with a strict Content-Security-Policy and the usual security headers, with no inline script or style', async () => {
    const res = await fetch(`${api.url}/board/demo`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    expect(html).toContain('data-golive="demo"');
    // The shared head (web/head.html) is in the page, not its include line.
    expect(html).toMatch(/<meta charset="utf-8" \/>[\s\S]*href="[^"]*\/board\/assets\/base\.css"[\s\S]*<\/head>/);
    expect(html).not.toContain('<!-- include');
  });

  it('escapes what it puts into the page, and serves only the files of web/', async () => {
    expect((await fetch(`${api.url}/board/%3Cscript%3E`)).status).toBe(400);
    expect((await fetch(`${api.url}/board/assets/..%2Fpackage.json`)).status).toBe(400);
    expect((await fetch(`${api.url}/board/assets/board.html`)).status).toBe(400);
    expect((await fetch(`${api.url}/board/assets/nope.js`)).status).toBe(404);
    const js = await fetch(`${api.url}/board/assets/board.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = js.headers.get('etag')!;
    expect((await fetch(`${api.url}/board/assets/board.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});

describe('the overview at a glance (R10.1)', () => {
  beforeAll(async () => {
    await open();
  });

  it('shows the demo go-live: areas with colour and trend, the unit grid with stale and overdue units, P1/P2 incidents', async () => {
    await expect(page.locator('#golive-name').textContent()).resolves.toContain('DEMO');
    await expect(page.locator('#units li.tile').count()).resolves.toBe(12);
    // Colour never alone: the symbol and the word are in the text.
    await expect(tile('akuten').getAttribute('data-colour')).resolves.toBe('yellow');
    await expect(tile('akuten').innerText()).resolves.toContain('▲ Gul');
    await expect(tile('kirurgi-avd-12').innerText()).resolves.toContain('■ Röd');
    // vc-soder reported at 06:40: more than 3 reporting hours ago (R3.3).
    await expect(tile('vc-soder').innerText()).resolves.toContain('Inaktuell');
    // bup has never reported: missing in the closed 06–09 window, so overdue.
    await expect(tile('bup').innerText()).resolves.toMatch(/Ingen rapport[\s\S]*Försenad/);
    await expect(tile('akuten').innerText()).resolves.not.toContain('Försenad');
    const teknik = page.locator('#areas li[data-area="teknik"]');
    await expect(teknik.innerText()).resolves.toMatch(/▲ Gul[\s\S]*Teknik[\s\S]*Ny/);
    await expect(page.locator('#areas li[data-area="cambio"]').innerText()).resolves.toContain('Ej rapporterat');
    await expect(page.locator('#incidents').innerText()).resolves.toMatch(
      /P2[\s\S]*Remissutskrift fungerar inte på kirurgen[\s\S]*SD-DEMO-1042/,
    );
  });

  it('draws the day in reporting windows (R3.3), with the numbers for screen readers too', async () => {
    await expect(page.locator('#day svg[role="img"] g.row').count()).resolves.toBe(4);
    const cells = async (checkpoint: string) =>
      page.locator(`[data-testid="day-table"] tr[data-checkpoint="${checkpoint}"] td`).allTextContents();
    // 06–09: only vc-soder (06:40) reported; 09–12 is running: 9 units have reported so far.
    await expect(cells('09:00')).resolves.toEqual(['1', '0', '0', '11']);
    await expect(cells('12:00')).resolves.toEqual(['4', '3', '1', '4']);
    await expect(cells('15:00')).resolves.toEqual(['–', '–', '–', '–']);
    await expect(page.locator('#day g.row[data-checkpoint="12:00"]').getAttribute('class')).resolves.toContain('open');
  });

  it('shows a calm empty state where there is nothing (or nothing yet) to show', async () => {
    const overview = (await api.get(`${G}/overview`)).json;
    if (!('decisions' in overview)) await expect(page.locator('#decisions').innerText()).resolves.toBe('Inga beslut väntar');
    if (!('nextMeetings' in overview)) await expect(page.locator('#meetings').innerText()).resolves.toBe('Inga kommande möten');
    if (!('challenges' in overview)) await expect(page.locator('#challenges').innerText()).resolves.toBe('Inga öppna utmaningar');
  });

  it('links the next meeting of each forum to its agenda', async () => {
    const overview = (await api.get(`${G}/overview`)).json;
    const forums = Object.values(overview.nextMeetings ?? {}).filter(Boolean) as { forum: string }[];
    if (forums.length === 0) return expect(page.locator('#meetings').innerText()).resolves.toBe('Inga kommande möten');
    await expect(page.locator('#meetings li.meeting').count()).resolves.toBe(forums.length);
    // The meeting's page in meeting mode (issue 16), and its agenda to print.
    const meetingHref = await page.locator('#meetings li.meeting a.item-title').first().getAttribute('href');
    expect(meetingHref).toMatch(/^\/api\/board\/demo\/meetings\/[^/]+$/);
    const href = await page.locator('#meetings li.meeting a.item-meta').first().getAttribute('href');
    expect(href).toMatch(/^\/api\/golives\/demo\/meetings\/[^/]+\/agenda\?format=html&lang=sv$/);
    const agenda = await fetch(new URL(href!, api.url).href);
    expect(agenda.status).toBe(200);
    expect(agenda.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('switches to English and back, and remembers the choice', async () => {
    await page.click('#lang-toggle');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.locator('#h-areas').textContent()).resolves.toBe('Delivery areas');
    await expect(tile('akuten').innerText()).resolves.toContain('▲ Yellow');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await expect(page.locator('#h-units').textContent()).resolves.toBe('Care units by administration');
    await page.click('#lang-toggle');
    await expect(page.locator('#h-areas').textContent()).resolves.toBe('Leveransområden');
    await expect(page.locator('#lang-toggle').textContent()).resolves.toBe('English');
  });

  it('asks an anonymous visitor to sign in instead of showing data', async () => {
    await open('', { headers: { 'x-dev-user': 'anonymous' } });
    await expect(page.locator('#alert').innerText()).resolves.toContain('Logga in');
    await expect(page.locator('#units li.tile').count()).resolves.toBe(0);
    expect(seen.failedLoads.every((f) => f.includes('401'))).toBe(true);
  });
});

describe('reporting a care unit in two taps and a sentence (R3.1)', () => {
  it('sends the report, the grid changes, and the unit is remembered', async () => {
    await open('#enhet', { width: 390, height: 844 });
    await page.selectOption('#unit-select', 'bup');
    await page.click('#unit-colours label[data-value="red"]');
    await page.fill('#unit-explanation', 'Journalen går inte att öppna på två av fyra datorer.');
    await page.click('#unit-form button.send');
    await page.waitForSelector('#unit-form .form-status.ok');
    await expect(page.locator('#unit-form .form-status').innerText()).resolves.toMatch(/BUP-mottagningen rapporterad som ■ Röd kl 11:00/);
    // The form is ready for the next report; the unit stays chosen.
    await expect(page.locator('#unit-explanation').inputValue()).resolves.toBe('');
    await page.click('a[data-view-link="lagesbild"]');
    await page.waitForSelector('#units li[data-unit="bup"][data-colour="red"]');
    await expect(tile('bup').innerText()).resolves.toMatch(/■ Röd · 11:00[\s\S]*Journalen går inte att öppna/);
    await expect(tile('bup').innerText()).resolves.not.toContain('Försenad');
    expect(await unitReports('bup')).toHaveLength(1);

    // Next time: unit already chosen, so a colour tap, a sentence and send.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await expect(page.locator('#unit-select').inputValue()).resolves.toBe('bup');
  });

  it('a double tap sends once', async () => {
    await open('#enhet');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.headers()['idempotency-key'] ?? '');
    });
    await page.selectOption('#unit-select', 'psyk-avd-1');
    await page.click('#unit-colours label[data-value="green"]');
    await page.fill('#unit-explanation', 'Allt lugnt.');
    await page.dblclick('#unit-form button.send');
    await page.waitForSelector('#unit-form .form-status.ok');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatch(/^web-[0-9a-f]{32}$/);
    expect(await unitReports('psyk-avd-1')).toHaveLength(1);
  });

  it('a retry after a lost answer repeats the same submission: stored once', async () => {
    await open('#enhet');
    const keys: string[] = [];
    let first = true;
    await page.route('**/units/bvc-centrum/reports', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (first) {
        // The server stores the report, but its answer never reaches the phone.
        first = false;
        await route.fetch();
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await page.selectOption('#unit-select', 'bvc-centrum');
    await page.click('#unit-colours label[data-value="yellow"]');
    await page.fill('#unit-explanation', 'Vaccinationsmodulen är långsam.');
    await page.click('#unit-form button.send');
    await page.waitForSelector('#unit-form .form-status.error');
    await expect(page.locator('#unit-form .form-status').innerText()).resolves.toContain('försök igen');
    await page.click('#unit-form button.send');
    await page.waitForSelector('#unit-form .form-status.ok');
    await expect(page.locator('#unit-form .form-status').innerText()).resolves.toContain('Redan skickad');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await unitReports('bvc-centrum')).toHaveLength(1);
  });

  it('names what is missing without sending anything', async () => {
    await open('#enhet');
    await page.selectOption('#unit-select', 'iva');
    await page.click('#unit-form button.send');
    await expect(page.locator('#unit-form .form-status').innerText()).resolves.toMatch(
      /Hur påverkar Cosmic er just nu\?: välj en färg[\s\S]*Varför\? En mening räcker: måste fyllas i/,
    );
    await expect(page.locator('#unit-explanation').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await unitReports('iva')).toHaveLength(1); // the demo's own
  });

  it('refreshes itself every 30 s without losing what someone is typing', async () => {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    seen = watch(page);
    await page.clock.install();
    await page.goto(`${api.url}/board/demo#enhet`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await page.selectOption('#unit-select', 'vc-norr');
    await page.click('#unit-colours label[data-value="yellow"]');
    await page.type('#unit-explanation', 'Halvfärdig mening om');
    const refreshed = Number(await page.locator('body').getAttribute('data-refreshed'));

    // Meanwhile someone else reports for IVA.
    expect((await api.post(`${G}/units/iva/reports`, { colour: 'red', explanation: 'Övervakningen tappar data.' })).status).toBe(201);
    await page.clock.fastForward('00:31');
    // A function, not a string: a string is eval, which the page's CSP refuses (Chromium 156).
    await page.waitForFunction((before) => Number((globalThis as unknown as InPage).document.body.dataset.refreshed) > before, refreshed);

    await expect(page.locator('#units li[data-unit="iva"]').getAttribute('data-colour')).resolves.toBe('red');
    await expect(page.locator('#unit-explanation').inputValue()).resolves.toBe('Halvfärdig mening om');
    await expect(page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.id)).resolves.toBe('unit-explanation');
    await expect(page.locator('#unit-colours input[value="yellow"]').isChecked()).resolves.toBe(true);
    await expect(page.locator('#unit-select').inputValue()).resolves.toBe('vc-norr');
  });
});

describe('the area report before DSL (R4)', () => {
  it('shows the suggested colour live (R4.3), asks for an override reason, and maps the API’s field errors (R4.5)', async () => {
    await open('#omrade');
    const suggested = () => page.locator('#area-suggestion').getAttribute('data-suggested');
    await page.selectOption('#area-select', 'cosmic');
    await page.fill('#area-summary', 'Journalen låser sig vid signering på två avdelningar.');
    await expect(suggested()).resolves.toBe('green');

    await page.click('#add-problem');
    await page.fill('[data-field="problems.0.title"]', 'Signering låser journalen');
    await page.selectOption('[data-field="problems.0.size"]', 'large');
    await expect(suggested()).resolves.toBe('yellow');
    await page.click('#add-problem');
    await page.fill('[data-field="problems.1.title"]', 'Utskrift av journalkopia');
    await page.selectOption('[data-field="problems.1.size"]', 'large');
    await expect(suggested()).resolves.toBe('red');
    await page.selectOption('[data-field="problems.1.size"]', 'small');
    await expect(suggested()).resolves.toBe('yellow');
    await expect(page.locator('#area-suggestion').innerText()).resolves.toContain('▲ Gul');

    // Overriding the suggestion needs a reason; back to the suggestion, it does not.
    await page.click('#area-colours label[data-value="green"]');
    await expect(page.locator('#override-field').isVisible()).resolves.toBe(true);
    await page.click('#area-colours label[data-value="suggested"]');
    await expect(page.locator('#override-field').isVisible()).resolves.toBe(false);

    // Yellow: every problem must answer the three questions (R4.5); the API says which.
    await page.click('#area-form button.send');
    await page.waitForSelector('#area-form .form-status.error');
    await expect(page.locator('[data-field="problems.0.situation.facts"]').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('[data-field="problems.1.obstacles"]').getAttribute('aria-invalid')).resolves.toBe('true');
    expect((await api.get(`${G}/areas/cosmic/reports`)).json.items).toHaveLength(0);

    for (const i of [0, 1]) {
      await page.fill(`[data-field="problems.${i}.situation.facts"]`, 'Händer sedan 09:30 vid signering.');
      await page.fill(`[data-field="problems.${i}.actions"]`, 'Cambio felsöker; manuell rutin tills vidare.');
      await page.fill(`[data-field="problems.${i}.obstacles"]`, 'Under kontroll.');
    }
    await page.click('#area-form button.send');
    await page.waitForSelector('#area-form .form-status.ok');
    const stored = (await api.get(`${G}/areas/cosmic/reports`)).json.items;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ colour: 'yellow', suggestedColour: 'yellow' });

    await page.click('a[data-view-link="lagesbild"]');
    await page.waitForSelector('#areas li[data-area="cosmic"].c-yellow-edge');
    await expect(page.locator('#areas li[data-area="cosmic"]').innerText()).resolves.toMatch(/▲ Gul[\s\S]*Cosmic[\s\S]*2 öppna problem/);
  });
});

describe('the Verksamhetens införande report (R3.5, issue 14 item 13)', () => {
  it('shows the suggestion the API derives from the units, not one from the problems', async () => {
    const api_ = (await api.get(`${G}/areas/verksamhetens-inforande/suggestion`)).json;
    expect(api_.source).toBe('units');
    // The demo has yellow and red units: a suggestion from the (empty) problem list would say green.
    expect(api_.colour).not.toBe('green');
    await open('#omrade');
    await page.selectOption('#area-select', 'verksamhetens-inforande');
    await page.waitForSelector('#area-suggestion[data-source="units"]');
    const box = page.locator('#area-suggestion');
    await expect(box.getAttribute('data-suggested')).resolves.toBe(api_.colour);
    const goLive = (await api.get(G)).json as { forvaltningar: { id: string; name: string }[] };
    const first = api_.byForvaltning[0] as { forvaltningId: string; red: number };
    const name = goLive.forvaltningar.find((f) => f.id === first.forvaltningId)!.name;
    await expect(box.innerText()).resolves.toContain(`${name} ${first.red} röda`);
    // A small problem logged in the form does not move a suggestion that comes from the units.
    await page.click('#add-problem');
    await page.fill('[data-field="problems.0.title"]', 'Remisser dröjer');
    await expect(box.getAttribute('data-suggested')).resolves.toBe(api_.colour);
    await expect(page.locator('#override-field').isVisible()).resolves.toBe(false);

    // Sent with the suggestion, the API stores the units' colour and needs no override reason.
    await page.fill('#area-summary', 'Enheterna rapporterar påverkan.');
    await page.fill('[data-field="problems.0.situation.facts"]', 'Remisser dröjer sedan 09:00.');
    await page.fill('[data-field="problems.0.actions"]', 'Support felsöker.');
    await page.fill('[data-field="problems.0.obstacles"]', 'Under kontroll.');
    await page.click('#area-form button.send');
    await page.waitForSelector('#area-form .form-status.ok');
    const stored = (await api.get(`${G}/areas/verksamhetens-inforande/reports`)).json.items;
    expect(stored[0]).toMatchObject({ colour: api_.colour, suggestedColour: api_.colour });
    expect(stored[0].overrideReason).toBeUndefined();
  });
});

describe('raising a challenge (R7.1)', () => {
  (HAS_CHALLENGES ? it : it.skip)('registers the challenge and lists it on the board', async () => {
    await open('#utmaning');
    await page.fill('#challenge-title', 'Signeringen låser journalen');
    await page.click('#challenge-colours label[data-value="red"]');
    await page.selectOption('#challenge-area', 'cosmic');
    await page.fill('#challenge-need', 'Teknik behöver titta på klientbilden tillsammans med Cambio.');
    await page.fill('#challenge-ideas', 'Korsfunktionellt team: Cosmic, Teknik, Cambio.');
    await page.click('#challenge-form button.send');
    await page.waitForSelector('#challenge-form .form-status.ok');
    await page.click('a[data-view-link="lagesbild"]');
    await page.waitForSelector('#challenges li.challenge');
    await expect(page.locator('#challenges').innerText()).resolves.toMatch(/■ Röd[\s\S]*Signeringen låser journalen[\s\S]*Cosmic/);
  });
});

describe('phone and wall screen', () => {
  it('meets WCAG 2.1 AA contrast (1.4.3) for every visible text, on the board and in every form', async () => {
    await open('', { width: 1920, height: 1080 });
    for (const view of ['lagesbild', 'enhet', 'omrade', 'utmaning']) {
      await page.evaluate((hash) => {
        (globalThis as unknown as InPage).location.hash = hash;
      }, view);
      await page.waitForSelector(`[data-view="${view}"]:not([hidden])`);
      if (view === 'omrade') await page.click('#add-problem');
      if (view === 'enhet') await page.click('#unit-form button.send'); // the error texts too
      const report = (await page.evaluate(CONTRAST_SCRIPT)) as ContrastReport;
      expect(report.checked).toBeGreaterThan(10);
      expect({ view, failures: report.failures }).toEqual({ view, failures: [] });
    }
  });

  it('fits a narrow phone and a wall screen; screenshots in test-output/', async () => {
    const overflow = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as InPage).document.documentElement.scrollWidth -
          (globalThis as unknown as InPage).document.documentElement.clientWidth,
      );
    await open('#enhet', { width: 360, height: 740 });
    await expect(overflow()).resolves.toBe(0);
    await open('', { width: 360, height: 740 });
    await expect(overflow()).resolves.toBe(0);
    await open('', { width: 390, height: 844 });
    await expect(overflow()).resolves.toBe(0);
    await page.screenshot({ path: screenshotPath('board-phone.png'), fullPage: true });
    await page.goto(`${api.url}/board/demo#enhet`);
    await page.selectOption('#unit-select', 'akuten');
    await page.click('#unit-colours label[data-value="yellow"]');
    await page.fill('#unit-explanation', 'Läkemedelslistan laddar långsamt.');
    await page.screenshot({ path: screenshotPath('board-phone-report.png'), fullPage: true });

    await open('', { width: 1920, height: 1080 });
    await expect(overflow()).resolves.toBe(0);
    await page.screenshot({ path: screenshotPath('board-wall.png') });
    for (const f of ['board-phone.png', 'board-phone-report.png', 'board-wall.png'])
      expect(fs.statSync(screenshotPath(f)).size).toBeGreaterThan(10_000);
  });
});
