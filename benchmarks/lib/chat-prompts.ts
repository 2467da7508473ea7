/** The seeded ~2 KB chat prompts `bench:server` sends (shared by the benchmark and its load child). */

/** A small seeded PRNG (mulberry32), so the prompt set is the same on every run. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ['shipped', 'pending', 'late', 'cancelled', 'returned'];
const CITIES = ['Lyon', 'Osaka', 'Austin', 'Porto', 'Leeds', 'Lagos', 'Perth', 'Quito'];

/** A realistic ~2 KB chat request: a system prompt and a user turn carrying JSON records. */
export function chatPrompt(seed: number) {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const orders = Array.from({ length: 15 }, (_, i) => ({
    id: 10_000 + Math.floor(random() * 90_000),
    customer: `customer-${Math.floor(random() * 5000)}@example.com`,
    status: pick(STATUSES),
    city: pick(CITIES),
    total: Math.round(random() * 50_000) / 100,
    items: 1 + (i % 4),
  }));
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are an operations assistant. Answer with the order ids that need attention and why, briefly.' },
      { role: 'user', content: `Batch ${seed}. Here are today's orders:\n${JSON.stringify(orders)}\nWhich orders are late?` },
    ],
  };
}

/** The prompts.encode body for `prompt`, asking for gpt-4o-mini token stats. */
export function encodeBody(prompt: ReturnType<typeof chatPrompt>): string {
  return JSON.stringify({ prompt, token_models: ['gpt-4o-mini'] });
}
