/**
 * npm run bench:prompts — prompt-aware encoding on realistic, seeded chat requests, per
 * tokenizer family, for both forms the API returns:
 * - `prompt` (the vendor-ready request, encodePrompt): tokens the model reads before and after
 *   (every content string, plus the primer whenever KTOF is present);
 * - `result` (one KTOF string of the whole prompt, encodePromptDocument): tokens of the request
 *   as compact JSON before, of the KTOF string after.
 * Writes benchmarks/results/prompts.md.
 */
import { writeFileSync } from 'node:fs';
import { encodePrompt, encodePromptDocument, mapChatStrings, PROMPT_PRIMER } from '@kaizen/prompt';
import { tokenCounter } from '@kaizen/tokens';
import { encode, type JsonValue } from '@kaizen/ktof';

const SEED = 20251124;
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const WORDS = 'the a customer order shipped delayed warehouse invoice refund premium account quarterly revenue growth report team product launch feature user feedback support ticket priority resolved pending analysis trend region market'.split(' ');
const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ').replace(/^./, (c) => c.toUpperCase()) + '.';
const paragraph = (sentences: number) => Array.from({ length: sentences }, () => sentence(int(8, 18))).join(' ');
const CITIES = ['Paris', 'Berlin', 'Madrid', 'Lisbon', 'Rome', 'Vienna', 'Prague', 'Warsaw'];
const STATUSES = ['shipped', 'pending', 'delivered', 'cancelled'];

const customer = (i: number) => ({ id: 1000 + i, name: `${pick(['Ada', 'Grace', 'Alan', 'Linus', 'Ken', 'Barbara'])} ${pick(['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Thompson', 'Liskov'])}`, email: `user${i}@example.com`, city: pick(CITIES), orders: int(0, 40), lifetime_value: Math.round(rand() * 500000) / 100, vip: rand() < 0.2 });
const order = (i: number) => ({ order_id: `ORD-${20000 + i}`, status: pick(STATUSES), total: Math.round(rand() * 90000) / 100, currency: 'EUR', items: int(1, 6), created_at: `2025-0${int(1, 9)}-1${int(0, 9)}T1${int(0, 9)}:0${int(0, 9)}:00Z` });
const doc = (i: number) => ({ id: `doc-${i}`, title: sentence(5), score: Math.round(rand() * 1000) / 1000, source: pick(['wiki', 'kb', 'ticket', 'email']), updated: `2025-0${int(1, 9)}-2${int(0, 8)}`, text: paragraph(2) });
const list = <T,>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));

type Chat = { name: string; kind: 'json' | 'prose'; request: JsonValue };
const scenarios: Chat[] = [];
for (let k = 0; k < 3; k++) {
  const rows = list(int(20, 40), customer);
  scenarios.push({ name: `tool result, ${rows.length} customers (pretty JSON)`, kind: 'json', request: { model: 'gpt-4o', messages: [
    { role: 'system', content: 'You are a CRM assistant.' },
    { role: 'user', content: 'Which cities have the most VIP customers?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'list_customers', arguments: '{"limit":50}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify({ customers: rows }, null, 2) },
  ] } });
  const orders = list(int(25, 50), order);
  scenarios.push({ name: `tool result, ${orders.length} orders (compact JSON)`, kind: 'json', request: { model: 'claude', system: 'You analyse orders.', messages: [
    { role: 'user', content: 'Summarise the pending orders.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'tu_1', name: 'orders', input: { status: 'any' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: JSON.stringify(orders) }] },
  ] } });
  const docs = list(int(5, 8), doc);
  scenarios.push({ name: `RAG context, ${docs.length} documents in prose`, kind: 'json', request: { model: 'gpt-4o', messages: [
    { role: 'system', content: 'Answer using only the retrieved context.' },
    { role: 'user', content: `Context retrieved from the knowledge base:\n${JSON.stringify(docs, null, 2)}\n\nQuestion: ${sentence(12)}` },
  ] } });
  const fenced = list(int(15, 30), order);
  scenarios.push({ name: `JSON in a fenced block, ${fenced.length} orders`, kind: 'json', request: { contents: [
    { role: 'user', parts: [{ text: `${paragraph(2)}\n\n\`\`\`json\n${JSON.stringify({ orders: fenced }, null, 2)}\n\`\`\`\n\nFind anomalies.` }] },
  ] } });
  scenarios.push({ name: 'long prose, no JSON', kind: 'prose', request: { model: 'gpt-4o', messages: [
    { role: 'system', content: 'You are a helpful writing assistant.' },
    { role: 'user', content: Array.from({ length: 6 }, () => paragraph(5)).join('\n\n') },
    { role: 'assistant', content: paragraph(4) },
    { role: 'user', content: `Rewrite the second paragraph {more formally} and keep [citations] as they are. ${paragraph(2)}` },
  ] } });
}

const families = [['o200k (gpt-4o)', 'gpt-4o'], ['cl100k (gpt-4)', 'gpt-4'], ['claude (estimate)', 'claude-3-5-sonnet']] as const;
const counters = await Promise.all(families.map(([, model]) => tokenCounter(model)));
const o200k = counters[0]!;

/** Tokens a model reads: every content string, plus the primer when the request carries KTOF. */
function readTokens(request: JsonValue, count: (s: string) => number, withPrimer: boolean): number {
  let total = withPrimer ? count(PROMPT_PRIMER) : 0;
  mapChatStrings(request, (s) => ((total += count(s)), s));
  return total;
}

const rows: string[] = [];
const docRows: string[] = [];
const totals = { json: families.map(() => [0, 0]), prose: families.map(() => [0, 0]) };
const docTotals = { json: families.map(() => [0, 0]), prose: families.map(() => [0, 0]) };
for (const s of scenarios) {
  const doc = encodePromptDocument(s.request, { countTokens: o200k });
  const docCells = counters.map((count, f) => {
    const before = count(JSON.stringify(s.request));
    const after = count(doc.ktof);
    docTotals[s.kind][f]![0] += before;
    docTotals[s.kind][f]![1] += after;
    return `${before} → ${after} (${pct(before, after)})`;
  });
  docRows.push(`| ${s.name} | ${doc.folded} | ${docCells.join(' | ')} |`);
  const encoded = encodePrompt(s.request, { countTokens: o200k });
  const primed = encoded.detections.length > 0;
  const cells = counters.map((count, f) => {
    const before = readTokens(s.request, count, false);
    const after = readTokens(encoded.prompt, count, primed);
    totals[s.kind][f]![0] += before;
    totals[s.kind][f]![1] += after;
    return `${before} → ${after} (${pct(before, after)})`;
  });
  rows.push(`| ${s.name} | ${encoded.detections.map((d) => d.kind).join(', ') || '—'} | ${cells.join(' | ')} |`);
}
function pct(before: number, after: number) {
  const change = ((after - before) / before) * 100;
  return `${change > 0 ? '+' : ''}${change.toFixed(1)}%`;
}
const totalRow = (kind: 'json' | 'prose', label: string, from = totals) => `| **${label}** | | ${from[kind].map(([b, a]) => `**${b} → ${a} (${pct(b!, a!)})**`).join(' | ')} |`;

const probe = [{ a: 1, b: 'x' }, { a: 2, b: 'y' }];
const codecIsStub = encode(probe) === JSON.stringify(probe);
const md = `# Prompt-aware encoding: input tokens before → after

Generated by \`npm run bench:prompts\` (seed ${SEED}). Each request is a realistic chat (OpenAI,
Anthropic or Gemini shape). prompts.encode and optimize.request return two forms; both are
measured here.

## \`prompt\`: the vendor-ready request (what our SDK wrappers send)

Counted: every content string the model reads; "after" includes
the KTOF primer (${o200k(PROMPT_PRIMER)} o200k tokens) whenever the request carries KTOF.
Encoding decisions use the o200k counter; every figure is measured with the family's tokenizer.
${codecIsStub ? '\n**Codec state: the @kaizen/ktof build used here is the interim stub (KTOF = compact JSON), so these figures measure only the prompt layer (pretty JSON → compact, fences, primer); compact-JSON tool results cannot shrink yet. Re-run once the real codec lands.**\n' : ''}
| Chat | Detections | ${families.map(([label]) => label).join(' | ')} |
| --- | --- | ${families.map(() => '---').join(' | ')} |
${rows.join('\n')}
${totalRow('json', 'JSON-heavy chats, total')}
${totalRow('prose', 'Prose-only chats, total')}

Goals: at least 40% fewer input tokens on JSON-heavy chats; 0% change on prose-only chats.

## \`result\`: the whole prompt as one KTOF string (what the original clients send)

Counted: the request as compact JSON before, the KTOF string after (JSON inside strings folded
in as \`$json\`/\`$text\`; no primer, since \`result\` carries none: add
${o200k(PROMPT_PRIMER)} o200k tokens per request if you send it to a model with the primer).
Keys, roles and model names are part of this text, so it is not comparable row by row with the
table above.

| Chat | Strings folded | ${families.map(([label]) => label).join(' | ')} |
| --- | --- | ${families.map(() => '---').join(' | ')} |
${docRows.join('\n')}
${totalRow('json', 'JSON-heavy chats, total', docTotals)}
${totalRow('prose', 'Prose-only chats, total', docTotals)}
`;
writeFileSync(new URL('./results/prompts.md', import.meta.url), md);
console.log(md);
