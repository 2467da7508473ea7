/**
 * What KTOF saves: the same records as JSON and as KTOF, counted with each model family's
 * tokenizer by the Kaizen API, and priced. Run against a local server:
 *
 *   KAIZEN_BASE_URL=http://127.0.0.1:8787 KAIZEN_API_KEY=kzk_... npx tsx examples/cost-comparison.ts
 *
 * Or with no server at all: KAIZEN_LOCAL=1 npx tsx examples/cost-comparison.ts
 */
import { KaizenClient, withKaizenClient } from '@kaizen/sdk';
import './exit-cleanly.js';

/** Example input prices in USD per million tokens. Check your provider's current price list. */
const PRICE_PER_MILLION: Record<string, number> = {
  'gpt-4o': 2.5,
  'gpt-4o-mini': 0.15,
  'claude-3-5-sonnet': 3,
};
const CALLS_PER_DAY = 100_000;

// A deterministic document-extraction result: uniform rows, the case KTOF is built for.
const invoices = Array.from({ length: 40 }, (_, i) => ({
  invoice_id: `INV-${2000 + i}`,
  vendor: ['Acme Corp', 'Globex', 'Initech', 'Umbrella'][i % 4],
  amount: Math.round(((i * 7919) % 100_000) / 10) / 10,
  currency: i % 3 === 0 ? 'EUR' : 'USD',
  paid: i % 2 === 0,
  due: `2026-${String((i % 12) + 1).padStart(2, '0')}-15`,
}));

const client = process.env.KAIZEN_LOCAL ? KaizenClient.local() : undefined;

await withKaizenClient(async (kaizen) => {
  const models = Object.keys(PRICE_PER_MILLION);
  const result = await kaizen.optimize({ data: { invoices }, token_models: models });
  const { stats } = result;
  console.log(`bytes: ${stats.original_bytes} JSON -> ${stats.compressed_bytes} KTOF (${pct(1 - stats.reduction_ratio)} smaller)`);
  console.log('');
  console.log(row('model', 'JSON tok', 'KTOF tok', 'saved', `$/day @${CALLS_PER_DAY / 1000}k calls`));
  for (const model of models) {
    const t = result.token_stats[model]!;
    const saved = t.original - t.compressed;
    const dollars = (saved * CALLS_PER_DAY * PRICE_PER_MILLION[model]!) / 1_000_000;
    console.log(row(model + (t.estimated ? '*' : ''), String(t.original), String(t.compressed), pct(saved / t.original), `$${dollars.toFixed(2)}`));
  }
  if (Object.values(result.token_stats).some((t) => t.estimated)) console.log('* estimated: no offline tokenizer for this model');

  // The KTOF the model would read, and proof nothing was lost.
  console.log('');
  const preview = result.result.split('\n').slice(0, 4).join('\n');
  console.log(`${preview.length > 400 ? preview.slice(0, 400) : preview}\n...`);
  const back = await kaizen.decompress({ data: result.result });
  console.log(`round trip lossless: ${JSON.stringify(back.result) === JSON.stringify({ invoices })}`);
}, client);
await client?.close();

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function row(...cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(20) : c.padStart(i === 4 ? 24 : 10))).join(' ');
}
