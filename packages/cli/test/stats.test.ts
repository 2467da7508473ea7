/** `kaizen stats`: the numbers agree with the codec and the tokenizers, per file and in total. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encode } from '@kaizen/ktof';
import { countTokens } from '@kaizen/tokens';
import { encode as encodeToon } from '@toon-format/toon';
import { kaizen, removeTempDirs, tempDir, USERS } from './helpers.js';

afterAll(removeTempDirs);

const ORDERS = { orders: Array.from({ length: 12 }, (_, i) => ({ id: `o${i}`, total: i * 3.5, items: [{ sku: `s${i}`, qty: i % 3 }], paid: i % 2 === 0 })) };
const MODELS = ['gpt-4o', 'gpt-4', 'claude-sonnet-4'];

async function expected(value: unknown) {
  const texts = { json_pretty: JSON.stringify(value, null, 2), json_compact: JSON.stringify(value), toon: encodeToon(value), ktof: encode(value) };
  const formats: Record<string, { bytes: number; tokens: Record<string, number> }> = {};
  for (const [format, text] of Object.entries(texts)) {
    const tokens: Record<string, number> = {};
    for (const model of MODELS) tokens[model] = (await countTokens(model, text)).count;
    formats[format] = { bytes: Buffer.byteLength(text), tokens };
  }
  return formats;
}

function files() {
  const dir = tempDir();
  writeFileSync(join(dir, 'users.json'), JSON.stringify(USERS, null, 2));
  writeFileSync(join(dir, 'orders.json'), JSON.stringify(ORDERS));
  return dir;
}

describe('kaizen stats', () => {
  it('--json: bytes and tokens match the codec and tokenizers; savings and totals add up', async () => {
    const dir = files();
    const result = await kaizen(['stats', 'users.json', 'orders.json', '--models', MODELS.join(','), '--json'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ baseline: 'json_compact', models: MODELS, engine: 'local' });
    expect(report.tokenizers['gpt-4o']).toEqual({ encoding: 'o200k_base', estimated: false });
    expect(report.tokenizers['gpt-4']).toEqual({ encoding: 'cl100k_base', estimated: false });
    expect(report.tokenizers['claude-sonnet-4'].estimated).toBe(true);
    expect(report.files.map((f: { file: string }) => f.file)).toEqual(['users.json', 'orders.json']);
    expect(report.files[0].formats).toEqual(await expected(USERS));
    expect(report.files[1].formats).toEqual(await expected(ORDERS));
    for (const stats of [...report.files, report.total]) {
      const base = stats.formats.json_compact;
      for (const format of ['json_pretty', 'json_compact', 'toon', 'ktof']) {
        const size = stats.formats[format];
        expect(stats.savings[format].bytes).toBeCloseTo(1 - size.bytes / base.bytes, 4);
        for (const model of MODELS) expect(stats.savings[format].tokens[model]).toBeCloseTo(1 - size.tokens[model] / base.tokens[model], 4);
      }
      // KTOF is never costlier than compact JSON, and on tables it is clearly cheaper.
      for (const model of MODELS) expect(stats.formats.ktof.tokens[model]).toBeLessThan(base.tokens[model]);
    }
    for (const format of ['json_pretty', 'json_compact', 'toon', 'ktof']) {
      expect(report.total.formats[format].bytes).toBe(report.files[0].formats[format].bytes + report.files[1].formats[format].bytes);
      for (const model of MODELS) expect(report.total.formats[format].tokens[model]).toBe(report.files[0].formats[format].tokens[model] + report.files[1].formats[format].tokens[model]);
    }
  });

  it('measures JSON with the digits of numbers a JS number cannot hold', async () => {
    const dir = tempDir();
    const text = '{"id":12345678901234567890,"n":-0,"a":[1,2]}';
    writeFileSync(join(dir, 'big.json'), text);
    const result = await kaizen(['stats', 'big.json', '--models', 'gpt-4o', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const formats = JSON.parse(result.stdout).files[0].formats;
    expect(formats.json_compact.bytes).toBe(Buffer.byteLength(text));
    expect(formats.json_compact.tokens['gpt-4o']).toBe((await countTokens('gpt-4o', text)).count);
  });

  it('prints a table per file and a total, marking estimated counts', async () => {
    const dir = files();
    const result = await kaizen(['stats', 'users.json', 'orders.json'], { cwd: dir });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^users\.json\n  format +bytes +saved +gpt-4o +saved +claude-sonnet-4\* +saved\n/);
    expect(out).toContain('\norders.json\n');
    expect(out).toContain('\ntotal\n');
    expect(out).toMatch(/  JSON compact +[\d,]+ +base/);
    expect(out).toMatch(/  KTOF +[\d,]+ +\d+\.\d%/);
    expect(out).toContain('* estimated count: claude-sonnet-4 (claude)');
  });

  it('measures .ktof files by their decoded value, and stdin', async () => {
    const dir = files();
    writeFileSync(join(dir, 'users.ktof'), encode(USERS));
    const fromKtof = JSON.parse((await kaizen(['stats', 'users.ktof', '--json'], { cwd: dir })).stdout);
    const fromJson = JSON.parse((await kaizen(['stats', 'users.json', '--json'], { cwd: dir })).stdout);
    expect(fromKtof.files[0].formats).toEqual(fromJson.files[0].formats);
    const fromStdin = JSON.parse((await kaizen(['stats', '--json'], { input: JSON.stringify(USERS) })).stdout);
    expect(fromStdin.files[0].file).toBe('<stdin>');
    expect(fromStdin.files[0].formats).toEqual(fromJson.files[0].formats);
  });

  it('reports a bad file, still measures the others, exits 1; unknown models are usage errors', async () => {
    const dir = files();
    writeFileSync(join(dir, 'bad.json'), '{\n  "a": tru\n}');
    const result = await kaizen(['stats', 'users.json', 'bad.json', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('bad.json:2:8: invalid JSON: expected "true"\n');
    expect(JSON.parse(result.stdout).files).toHaveLength(1);
    const unknown = await kaizen(['stats', 'users.json', '--models', 'gpt-4o,nonsense-model'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown token model "nonsense-model"');
    expect(unknown.stdout).toBe('');
  });
});
