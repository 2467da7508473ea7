/** The /playground page in real headless Chromium against a real server on loopback. */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { encode } from '@kaizen/ktof';
import { startTestServer, removeTempDirs, type TestServer } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// The README's screenshots are rewritten only on request (UPDATE_SCREENSHOTS=1), so a test run
// leaves the working tree as it found it; otherwise they go to a temporary folder.
const IMAGES = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../../docs/images/', import.meta.url)) : join(tmpdir(), `kaizen-playground-${process.pid}`) + sep;
// The browser module of the samples is plain ESM: the test imports the very same data.
const { SAMPLES } = (await import(fileURLToPath(new URL('../../server/playground/samples.js', import.meta.url)))) as { SAMPLES: { id: string; data: unknown }[] };

let browser: Browser;
let open: TestServer; // anonymous on loopback
let locked: TestServer; // API key required

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (npm test does this)`);
  [open, locked, browser] = await Promise.all([
    startTestServer({ anonymousLoopback: true }),
    startTestServer(),
    chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
  ]);
  mkdirSync(IMAGES, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([open?.close(), locked?.close()]);
  removeTempDirs();
});

/** Opens the playground; every request the page makes is recorded. */
async function openPage(server: TestServer): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/playground`);
  await page.waitForSelector('html[data-ready="true"]');
  return { page, requests, errors };
}

async function optimize(server: TestServer, data: unknown, models: string[], options: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/v1/optimize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': server.key },
    body: JSON.stringify({ data, token_models: models, options }),
  });
  return (await response.json()) as { result: string; token_stats: Record<string, { original: number; compressed: number }> };
}

const CHECKED_MODELS = ['gpt-4o', 'gpt-4', 'claude-sonnet-4'];

describe('playground', () => {
  it('serves the page and assets locally with a strict CSP', async () => {
    const redirect = await fetch(`${open.url}/playground`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('playground/');
    const page = await fetch(`${open.url}/playground/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from other sites
    const codec = await fetch(`${open.url}/playground/ktof.min.js`);
    expect(codec.headers.get('content-type')).toContain('javascript');
    expect(await codec.text()).toContain('KtofDecodeError');
    expect((await fetch(`${open.url}/playground/../package.json`)).status).toBe(404);
    expect((await fetch(`${open.url}/playground/secret.txt`)).status).toBe(404);
  });

  it('encodes pasted JSON, shows per-model token savings from /v1/optimize, and decodes back', async () => {
    const { page, requests, errors } = await openPage(open);
    // The first sample is loaded on start.
    await page.waitForSelector('.token-row');
    expect(await page.inputValue('#ktof-output')).toBe(encode(SAMPLES[0]!.data));
    await page.screenshot({ path: `${IMAGES}playground.png` });

    const value = { team: 'core', members: [{ id: 1, name: 'Ada', on_call: true }, { id: 2, name: 'Lin', on_call: false }, { id: 3, name: 'Grace', on_call: false }] };
    await page.fill('#json-input', JSON.stringify(value, null, 2));
    await page.waitForFunction((expected) => (document.getElementById('ktof-output') as HTMLTextAreaElement).value === expected, encode(value));
    const server = await optimize(open, value, CHECKED_MODELS);
    await page.waitForFunction((n) => document.querySelector('.token-row[data-model="gpt-4o"] .ktof-count')?.textContent === `KTOF ${n}`, server.token_stats['gpt-4o']!.compressed);
    for (const model of CHECKED_MODELS) {
      const row = page.locator(`.token-row[data-model="${model}"]`);
      const t = server.token_stats[model]!;
      expect(await row.locator('.ktof-count').textContent()).toBe(`KTOF ${t.compressed}`);
      expect(await row.locator('.json-count').textContent()).toBe(`JSON ${t.original}`);
      expect(await row.locator('.pct').textContent()).toBe(`−${((1 - t.compressed / t.original) * 100).toFixed(1)}%`);
      const width = await row.locator('.fill').evaluate((el) => (el as HTMLElement).style.width);
      expect(parseFloat(width)).toBeCloseTo((t.compressed / t.original) * 100, 0);
    }
    expect(await page.textContent('#ktof-bytes')).toBe(`${Buffer.byteLength(encode(value))} bytes`);

    // Options reach both the in-browser codec and the server.
    await page.selectOption('#delimiter', '|');
    await page.selectOption('#length-marker', '#');
    const piped = encode(value, { delimiter: '|', lengthMarker: '#' });
    await page.waitForFunction((expected) => (document.getElementById('ktof-output') as HTMLTextAreaElement).value === expected, piped);
    expect((await optimize(open, value, ['gpt-4o'], { delimiter: '|', length_marker: '#' })).result).toBe(piped);

    // Decode tab: the KTOF turns back into the same JSON, in the browser.
    await page.click('#to-decode');
    expect(await page.getAttribute('#tab-decode', 'aria-selected')).toBe('true');
    await page.waitForFunction(() => (document.getElementById('decode-output') as HTMLTextAreaElement).value !== '');
    expect(JSON.parse(await page.inputValue('#decode-output'))).toEqual(value);

    expect(errors).toEqual([]);
    expect(requests.every((url) => url.startsWith(open.url))).toBe(true);
    expect(requests.some((url) => url.endsWith('/v1/optimize'))).toBe(true);
    await page.close();
  });

  it('marks the line of broken KTOF and of broken JSON', async () => {
    const { page } = await openPage(open);
    await page.click('#tab-decode');
    await page.fill('#decode-input', 'team: core\nmembers[3]{id,name}:\n  1,Ada\n  2,Lin\nnote: x\n');
    await page.waitForSelector('#decode-error:not([hidden])');
    const message = await page.textContent('#decode-error');
    expect(message).toMatch(/^Line \d+, column \d+: /);
    const line = Number(/^Line (\d+)/.exec(message!)![1]);
    expect(line).toBeGreaterThanOrEqual(2);
    expect(await page.getAttribute('#decode-editor .gutter span.error', 'data-line')).toBe(String(line));
    expect(await page.getAttribute('#decode-input', 'aria-invalid')).toBe('true');
    await page.screenshot({ path: `${IMAGES}playground-decode-error.png` });

    // Fixing the text clears the marker.
    await page.fill('#decode-input', 'team: core\nmembers[2]{id,name}:\n  1,Ada\n  2,Lin\n');
    await page.waitForSelector('#decode-error', { state: 'hidden' });
    expect(await page.locator('#decode-editor .gutter span.error').count()).toBe(0);
    expect(JSON.parse(await page.inputValue('#decode-output'))).toEqual({ team: 'core', members: [{ id: 1, name: 'Ada' }, { id: 2, name: 'Lin' }] });

    await page.click('#tab-encode');
    await page.fill('#json-input', '{"a": [1, 2]}');
    await page.waitForFunction(() => document.querySelectorAll('#token-rows li').length > 0 && (document.getElementById('ktof-output') as HTMLTextAreaElement).value !== '');
    await page.fill('#json-input', '{\n  "a": 1,\n  "b": [1, 2,]\n}');
    await page.waitForSelector('#json-error:not([hidden])');
    expect(await page.textContent('#json-error')).toMatch(/^Invalid JSON\. Line 3/);
    expect(await page.getAttribute('#json-editor .gutter span.error', 'data-line')).toBe('3');
    // Nothing on the right still describes the JSON from before, not even a late token count.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await page.inputValue('#ktof-output')).toBe('');
    expect([await page.textContent('#json-bytes'), await page.textContent('#ktof-bytes'), await page.textContent('#bytes-summary')]).toEqual(['', '', '']);
    expect(await page.locator('#token-rows li').count()).toBe(0);
    await page.close();
  });

  it('asks for an API key when the server needs one, keeps it in sessionStorage and sends it', async () => {
    const { page } = await openPage(locked);
    await page.waitForSelector('#key-form:not([hidden])');
    await page.waitForFunction(() => document.getElementById('tokens-note')!.textContent!.includes('API key'));
    // The KTOF is still there: it is encoded in the browser.
    expect(await page.inputValue('#ktof-output')).toBe(encode(SAMPLES[0]!.data));

    await page.fill('#key-input', 'kzk_not_a_real_key');
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#key-error:not([hidden])');
    expect(await page.textContent('#key-error')).toContain('Invalid API key');

    const sent: (string | null)[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/v1/optimize')) sent.push(request.headers()['x-api-key'] ?? null);
    });
    await page.fill('#key-input', locked.key);
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('.token-row[data-model="gpt-4o"]');
    expect(await page.isHidden('#key-form')).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('kaizen.apiKey'))).toBe(locked.key);
    expect(sent).toContain(locked.key);
    await page.close();
  });

  it('loads every built-in sample into KTOF with token counts', async () => {
    const { page } = await openPage(open);
    for (const sample of SAMPLES) {
      await page.selectOption('#sample', sample.id);
      await page.waitForFunction((expected) => (document.getElementById('ktof-output') as HTMLTextAreaElement).value === expected, encode(sample.data));
    }
    await page.waitForSelector('.token-row');
    await page.close();
  });
});
