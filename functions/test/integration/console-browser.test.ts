// The local console in a real browser: Debian's chromium driven by playwright-core, against the
// functions running in the Functions emulator (the integration set-up's), the Auth and official
// Firestore emulators, s3rver and the local Gemini-protocol server. The steps an app user takes, from
// signing in to deleting the account, a screenshot each, written to the folder printed at the start.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import { startConsole, type RunningConsole } from '../../dev/console/server.js';
import { GeminiServerControl } from '../../dev/gemini-server/index.js';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemoData, seedDemoUser } from '../../dev/seed.js';
import { getAdminApp } from '../../src/lib/platform/firebase.js';
import { applyServiceEnv, clearFirestore, getServices } from '../support/services.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'console');
const haveChromium = existsSync(CHROMIUM);
// In CI the browser is installed by .ci/run: a missing one is a failure there, not a skip.
const runIt = haveChromium || process.env.CI ? it : it.skip;

let browser: Browser | undefined;
let page: Page;
let consoleServer: RunningConsole | undefined;
let gemini: GeminiServerControl;
let step = 0;
let demoUidSeen = '';

/** The page's document, as the functions below use it in the browser (this file has no DOM types). */
type PageDocument = { getElementById(id: string): Record<string, unknown> | null };

async function shot(name: string): Promise<void> {
  step++;
  await page.screenshot({ path: path.join(SHOTS, `${step}-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  const services = applyServiceEnv();
  if (!haveChromium && !process.env.CI) {
    console.log(`console browser test skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`);
    return;
  }
  if (!services.functionsBaseUrl)
    throw new Error(`the Functions emulator is not running: ${services.functionsUnavailable}`);
  await clearFirestore();
  const app = getAdminApp();
  await seedDemoData(getFirestore(app));
  await seedDemoUser(getAuth(app), getFirestore(app));
  gemini = new GeminiServerControl(services.gemini.url);
  await gemini.reset();
  consoleServer = await startConsole({
    functionsBaseUrl: services.functionsBaseUrl,
    authHost: services.authHost,
    firestoreHost: services.firestoreHost,
    projectId: services.projectId,
    demoUser: { email: DEMO_EMAIL, password: DEMO_PASSWORD },
  });
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  console.log(`console screenshots: ${SHOTS}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(consoleServer.url);
  await page.waitForSelector('body[data-ready="true"]');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await consoleServer?.close();
});

describe('the local console in chromium', () => {
  runIt('signs in as the demo user', async () => {
    await page.click('#signin-demo');
    await page.waitForSelector('body[data-signed-in="true"]');
    expect(await page.textContent('#signin-state')).toContain(DEMO_EMAIL);
    demoUidSeen = /\(([^)]+)\)$/.exec((await page.textContent('#who')) ?? '')?.[1] ?? '';
    expect(demoUidSeen).not.toBe('');
    await shot('signed-in');
  });

  runIt('sends a chat message: tool cards, streamed text, then done', async () => {
    await page.fill('#chat-input', 'Any events for me this weekend?');
    await page.click('#chat-send');
    await page.waitForSelector('#chat[data-state="done"]', { timeout: 30_000 });
    expect(await page.textContent('#chat-reply')).toContain('[offline model]');
    expect(await page.locator('.tool-card').count()).toBeGreaterThan(0);
    expect(await page.textContent('#chat-state')).toMatch(/^done · STOP/);
    await shot('chat-done');
  });

  // The Node stand-in serves no REST runQuery with rules: only the official emulator can answer the page.
  const officialFirestore = getServices().firestoreKind === 'official';
  (officialFirestore ? runIt : it.skip)(
    'lists the conversations just written, read from Firestore under the rules',
    async () => {
      await page.click('#history-load');
      await page.waitForSelector('.conversation');
      expect(await page.locator('.conversation').count()).toBeGreaterThan(0);
      expect(await page.textContent('#history-list')).toContain('[offline model]');
    },
  );

  // The page stops at once. Whether the function then stops its model call depends on the forwarding
  // chain (console -> Functions emulator -> function) passing the disconnect on, and today it does not
  // arrive (the upstream request below completes); in-process, test/integration/chat-stream.test.ts
  // shows the function aborting Gemini within 100 ms of a disconnect.
  runIt('Stop aborts a longer streaming reply: the page stops streaming at once', async () => {
    await gemini.queue({
      name: 'slow-reply',
      chunkDelayMs: 400,
      reply: { kind: 'content', parts: [{ type: 'text', chunks: Array.from({ length: 20 }, (_, i) => `word${i} `) }] },
    });
    await page.fill('#chat-input', 'Tell me a long story about nothing in particular');
    await page.click('#chat-send');
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      return String(doc.getElementById('chat-reply')?.textContent ?? '').includes('word1');
    });
    await page.click('#chat-stop');
    await page.waitForSelector('#chat[data-state="stopped"]');
    const stoppedText = await page.textContent('#chat-reply');
    expect(stoppedText).not.toContain('word19');
    // Nothing more arrives after Stop, although the upstream keeps sending for seconds.
    await gemini.waitForRequest({ scenario: 'slow-reply' }, { timeoutMs: 15_000 });
    expect(await page.textContent('#chat-reply')).toBe(stoppedText);
    await shot('chat-stopped');
  });

  runIt('runs matchUsers and draws cards with score bars', async () => {
    await page.click('#match-users');
    await page.waitForSelector('.match-card');
    const cards = page.locator('.match-card');
    expect(await cards.count()).toBeGreaterThan(0);
    const width = await cards
      .first()
      .locator('.bar > span')
      .first()
      .evaluate((node) => (node as unknown as { style: { width: string } }).style.width);
    expect(Number.parseInt(width, 10)).toBeGreaterThan(0);
    await shot('match-users');
  });

  runIt('generates an image and shows it once stored', async () => {
    await page.fill('#image-prompt', 'A watercolor of friends hiking at sunrise');
    await page.click('#image-generate');
    await page.waitForSelector('#images[data-state="done"], #images[data-state="error"]', { timeout: 60_000 });
    expect(await page.textContent('#image-state')).toMatch(/done$/);
    const loaded = await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const img = doc.getElementById('image-output') as { complete?: boolean; naturalWidth?: number } | null;
      return img?.complete && (img.naturalWidth ?? 0) > 0 ? img.naturalWidth : false;
    });
    expect(await loaded.jsonValue()).toBeGreaterThan(0);
    await shot('image');
  });

  runIt('deletes that image: its record and its object', async () => {
    const [record] = (await getFirestore(getAdminApp()).collection('images').where('owner', '==', demoUid()).get())
      .docs;
    await page.click('#image-delete');
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      return String(doc.getElementById('image-state')?.textContent ?? '').startsWith('image deleted');
    });
    expect((await record.ref.get()).exists).toBe(false);
    expect((await fetch(String(record.get('url')))).status).toBe(404);
    await shot('image-deleted');
  });

  runIt('exports everything as one JSON download', async () => {
    await page.click('#data-export');
    await page.waitForSelector('#data-export-link');
    expect(await page.textContent('#data-state')).toMatch(
      /^export: [1-9]\d* conversations, [1-9]\d* messages, 0 images · /,
    );
    await shot('exported');
  });

  (officialFirestore ? runIt : it.skip)('deletes a conversation from the list', async () => {
    await page.click('#history-load');
    // The list of the earlier step is replaced once this load answers: wait for the new one.
    await page.waitForSelector('#history-list[data-state="loaded"] .conversation .delete-conversation');
    const before = await page.locator('.conversation').count();
    await page.locator('.conversation .delete-conversation').first().click();
    await page.waitForSelector('.deleted, .delete-failed');
    expect(await page.locator('.delete-failed').allTextContents()).toEqual([]);
    expect(await page.textContent('.deleted')).toMatch(/^deleted [1-9]\d* messages$/);
    expect(await page.locator('.conversation').count()).toBe(before - 1);
    await shot('conversation-deleted');
  });

  runIt('deletes the account after a fresh sign-in and a confirmation', async () => {
    const uid = demoUid();
    await page.click('#signin-demo');
    await page.waitForSelector('body[data-signed-in="true"]');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#account-delete');
    await page.waitForSelector('#my-data[data-state="account-deleted"]', { timeout: 60_000 });
    expect(await page.textContent('#data-state')).toMatch(/^account deleted: /);
    expect(await page.getAttribute('body', 'data-signed-in')).toBe('false');
    await expect(getAuth(getAdminApp()).getUser(uid)).rejects.toMatchObject({ code: 'auth/user-not-found' });
    expect((await getFirestore(getAdminApp()).doc(`users/${uid}`).get()).exists).toBe(false);
    await shot('account-deleted');
  });
});

/** The demo user's uid, as the page shows it after signing in: "email (uid)". */
function demoUid(): string {
  return demoUidSeen;
}
