/**
 * The pages people work in (issue 16), end to end: the whole app in-process on a simulated
 * clock with the demo go-live, driven through real headless Chromium. Each person acts
 * through the local who-am-I picker (the dev header), so the pages show them only the actions
 * the access matrix gives their roles.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pages } from '../../shared/domain/pages';
import { startApi, type Api } from '../http/harness';
import { launchChromium, watch, type PageWatch } from './browser';
import { freePort, type InPage } from './support';

jest.setTimeout(120_000);

// 11:00 local on day 0 (Friday 27 November 2026, CET).
const START = '2026-11-27T10:00:00Z';
const G = '/golives/demo';
const IMG = path.resolve(__dirname, '../../docs/img');

let api: Api;
let origin: string;
let browser: Browser;
let context: BrowserContext | undefined;
let page: Page;
let seen: PageWatch;

const as = (personId: string) => ({ 'x-dev-user': personId });

beforeAll(async () => {
  // Links in mail carry PUBLIC_BASE_URL: point it at where this app will listen.
  const port = await freePort();
  process.env.PUBLIC_BASE_URL = `http://127.0.0.1:${port}`;
  api = await startApi({ start: START, demo: true, port });
  origin = new URL(api.url).origin;
  browser = await launchChromium();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await api?.close();
  delete process.env.PUBLIC_BASE_URL;
});
afterEach(() => {
  expect(seen?.requests.filter((u) => !u.startsWith(origin)) ?? []).toEqual([]);
  expect(seen?.errors ?? []).toEqual([]);
});

/** A fresh browser context acting as `personId` (the local picker's choice), at `pagePath`. */
async function open(pagePath: string, opts: { as?: string; width?: number; height?: number; lang?: 'sv' | 'en' } = {}): Promise<Page> {
  await context?.close();
  context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 } });
  await context.addInitScript(
    ([who, lang]) => {
      const store = (globalThis as unknown as InPage).localStorage;
      if (who) store.setItem('driftpuls.actAs', who);
      if (lang) store.setItem('driftpuls.lang', lang);
    },
    [opts.as ?? '', opts.lang ?? ''] as const,
  );
  page = await context.newPage();
  seen = watch(page);
  await page.goto(origin + pagePath);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return page;
}

async function raise(by: string, input: Record<string, unknown>): Promise<string> {
  const r = await api.post(`${G}/challenges`, input, as(by));
  expect(r.status).toBe(202);
  return r.json.id as string;
}

const challenge = async (id: string) => (await api.get(`${G}/challenges/${id}`)).json;
const shot = async (name: string, fullPage = false) => {
  fs.mkdirSync(IMG, { recursive: true });
  await page.screenshot({ path: path.join(IMG, name), fullPage });
};

let printers: string;
let wards: string;
let labels: string;

beforeAll(async () => {
  printers = await raise('omar-teknik', {
    title: 'Etikettskrivare skriver inte ut på akuten',
    colour: 'red',
    areaId: 'teknik',
    needFromOthers: 'Drivrutin från Cosmic-teamet.',
    ideas: 'Rulla ut äldre drivrutin.',
    sdReferences: ['SD-2041'],
  });
  wards = await raise('sara-support', {
    title: 'Supporten hinner inte med avdelningarna',
    colour: 'yellow',
    areaId: 'support',
    needFromOthers: 'Två superanvändare till.',
  });
  labels = await raise('omar-teknik', {
    title: 'Provetiketter saknar streckkod',
    colour: 'yellow',
    areaId: 'teknik',
    needFromOthers: 'Beslut om reservrutin.',
  });
});

describe('who am I (item 2)', () => {
  it('locally offers a picker to act as anyone of the go-live; the page then shows who and their roles', async () => {
    await open(pages.challenges('demo'));
    await expect(page.locator('#act-as option').count()).resolves.toBeGreaterThan(15);
    await page.selectOption('#act-as', 'ida-itd');
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await page.waitForFunction(() =>
      (globalThis as unknown as InPage).document.querySelector('[data-testid="me"]')?.textContent?.includes('Ida'),
    );
    await expect(page.locator('[data-testid="me"]').innerText()).resolves.toBe('Ida ITD-chef · ITD:s chef');
    await expect(page.locator('#act-as').inputValue()).resolves.toBe('ida-itd');
  });

  it('the API says who the caller is, with the actions the access matrix gives them', async () => {
    const ida = (await api.get(`${G}/me`, as('ida-itd'))).json;
    expect(ida).toMatchObject({
      authMode: 'dev',
      person: { id: 'ida-itd', name: 'Ida ITD-chef' },
      roles: ['itdManager'],
      admin: false,
      now: START.replace('Z', '.000Z'),
    });
    expect(ida.may).toMatchObject({ recordDecision: true, triageChallenge: false, requestDecision: false, postIncident: false });
    const anna = (await api.get(`${G}/me`, as('anna-lead'))).json;
    expect(anna.may).toMatchObject({
      triageChallenge: true,
      requestDecision: true,
      recordDecision: true,
      postIncident: true,
      postMeeting: true,
    });
    expect((await api.get(`${G}/me`, as('stranger@example.org'))).status).toBe(403);
    expect((await api.get(`${G}/me`, as('anonymous'))).status).toBe(401);
  });
});

describe('the challenges (item 1)', () => {
  it('lists them with filters for state, colour, area, priority, overdue and a text search', async () => {
    await open(pages.challenges('demo'), { as: 'karl-koord' });
    const rows = page.locator('#challenge-list li[data-challenge]');
    await expect(rows.count()).resolves.toBe(3);
    // Red first.
    await expect(rows.first().getAttribute('data-challenge')).resolves.toBe(printers);
    await page.fill('#f-q', 'streckkod');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().innerText()).resolves.toMatch(/Provetiketter saknar streckkod[\s\S]*Lyft[\s\S]*Teknik/);
    await page.fill('#f-q', '');
    await page.selectOption('#f-colour', 'yellow');
    await expect(rows.count()).resolves.toBe(2);
    await page.selectOption('#f-area', 'support');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().getAttribute('data-challenge')).resolves.toBe(wards);
    await page.selectOption('#f-colour', '');
    await page.selectOption('#f-area', '');
    await page.check('#f-overdue');
    await expect(page.locator('#challenge-list li.empty').count()).resolves.toBe(1);
    await page.uncheck('#f-overdue');
    await page.selectOption('#f-priority', 'none');
    await expect(rows.count()).resolves.toBe(3);
    await page.selectOption('#f-priority', '1');
    await expect(rows.count()).resolves.toBe(0);
    await page.selectOption('#f-priority', '');
    await page.selectOption('#f-state', 'resolved');
    await expect(rows.count()).resolves.toBe(0);
  });

  it('shows the actions only to the person who may take them', async () => {
    await open(pages.challenge('demo', printers), { as: 'rut-akuten' });
    await expect(page.locator('#challenge-title').innerText()).resolves.toBe('Etikettskrivare skriver inte ut på akuten');
    await expect(page.locator('details.action').count()).resolves.toBe(0);
    await open(pages.challenge('demo', printers), { as: 'ida-itd' });
    // The ITD manager records decisions, and only once one is asked for.
    await expect(page.locator('details.action').count()).resolves.toBe(1);
    await expect(page.locator('details.action[data-action="decide"]').isHidden()).resolves.toBe(true);
    await open(pages.challenge('demo', printers), { as: 'anna-lead' });
    const visible = await page.locator('details.action:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(visible).toEqual([`triage-${printers}`, 'request', 'update', 'resolve', 'withdraw']);
    await shot('challenge.png');
  });

  it('a refusal (409) is shown in Swedish next to the action, and nothing is stored', async () => {
    await open(pages.challenge('demo', labels), { as: 'anna-lead' });
    await page.click('details[data-action="request"] > summary');
    await page.fill('#request-question', 'Får vi skriva etiketter för hand?');
    await page.click('details[data-action="request"] button.send');
    const status = page.locator('details[data-action="request"] .form-status.error');
    await status.waitFor();
    await expect(status.innerText()).resolves.toBe('DSL behöver prioritera utmaningen innan ett beslut begärs (R7.2).');
    expect((await challenge(labels)).pendingDecision).toBeUndefined();
  });
});
