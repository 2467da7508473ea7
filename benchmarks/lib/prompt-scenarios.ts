/**
 * The seeded chat requests `bench:prompts` measures (OpenAI, Anthropic and Gemini shapes: tool
 * results, RAG context, fenced JSON, prose), shared with `bench:prompt-encode`.
 */
import type { JsonValue } from '@kaizen/ktof';

export const SEED = 20251124;

export type Chat = { name: string; kind: 'json' | 'prose'; request: JsonValue };

/** The 15 chats, the same on every call (each call restarts the seeded generator). */
export function promptScenarios(): Chat[] {
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
    return scenarios;
}
