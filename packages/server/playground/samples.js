// Built-in datasets for the playground: the shapes LLM prompts are full of.
const names = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Margaret Hamilton', 'Ken Thompson', 'Radia Perlman', 'John Backus', 'Frances Allen'];
const cities = ['London', 'New York', 'Manchester', 'Hampton', 'Austin', 'Boston', 'Stanford', 'Cambridge', 'Berkeley', 'Seattle', 'Albuquerque', 'Peekskill'];
const roles = ['admin', 'editor', 'viewer', 'editor'];
const statuses = ['delivered', 'shipped', 'processing', 'delivered', 'cancelled'];
const products = [['Mechanical keyboard', 89.9], ['USB-C cable', 9.5], ['27" monitor', 249], ['Desk lamp', 34.25], ['Notebook (A5)', 4.8], ['Headphones', 129]];

const pick = (list, i) => list[i % list.length];
const day = (i) => `2025-03-${String((i % 28) + 1).padStart(2, '0')}`;

const users = {
  users: names.map((name, i) => ({
    id: 1001 + i,
    name,
    email: `${name.split(' ')[0].toLowerCase()}@example.com`,
    role: pick(roles, i),
    active: i % 5 !== 3,
    city: pick(cities, i),
    signup: day(i * 3),
  })),
};

const orders = {
  orders: Array.from({ length: 6 }, (_, i) => ({
    id: `ord_${7340 + i}`,
    customer: { id: 1001 + ((i * 5) % 12), name: pick(names, i * 5) },
    status: pick(statuses, i),
    placed: `${day(i * 4)}T${String(8 + i).padStart(2, '0')}:15:00Z`,
    items: Array.from({ length: 1 + (i % 3) }, (_, j) => {
      const [title, price] = pick(products, i + j * 2);
      return { sku: `SKU-${100 + ((i + j * 2) % products.length)}`, title, qty: 1 + ((i + j) % 3), price };
    }),
    shipping: { method: i % 2 ? 'express' : 'standard', address: { city: pick(cities, i + 3), country: i % 3 ? 'US' : 'UK' } },
  })),
};

const metrics = {
  service: 'checkout-api',
  window: { from: '2025-03-14T10:00:00Z', to: '2025-03-14T10:19:00Z', step_seconds: 60 },
  points: Array.from({ length: 20 }, (_, i) => ({
    t: `2025-03-14T10:${String(i).padStart(2, '0')}:00Z`,
    rps: 410 + ((i * 37) % 90),
    p50_ms: 21 + ((i * 7) % 6),
    p99_ms: 180 + ((i * 53) % 140),
    errors: (i * 13) % 7 === 0 ? 3 : (i * 13) % 4,
  })),
};

const chat = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a support agent. Answer from the order data only.' },
    { role: 'user', content: 'Where is my order ord_7342? It said processing two days ago.' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'lookup_order',
        description: 'Look up an order by id',
        parameters: { type: 'object', properties: { id: { type: 'string', description: 'The order id, e.g. ord_7342' } }, required: ['id'] },
      },
    },
  ],
  temperature: 0.2,
};

const config = {
  app: { name: 'kaizen-demo', version: '1.4.2', debug: false },
  server: { host: '0.0.0.0', port: 8787, cors: { origins: ['https://app.example.com', 'https://admin.example.com'], credentials: true } },
  features: { ktof: true, streaming: true, cache: { enabled: true, ttl_seconds: 300, max_entries: 10000 } },
  limits: [
    { plan: 'free', rpm: 60, max_body_kb: 256 },
    { plan: 'team', rpm: 600, max_body_kb: 4096 },
    { plan: 'enterprise', rpm: 6000, max_body_kb: 16384 },
  ],
};

/** The samples offered in the picker, in order. */
export const SAMPLES = [
  { id: 'users', label: 'Users (a table)', data: users },
  { id: 'orders', label: 'Orders (nested)', data: orders },
  { id: 'metrics', label: 'Metrics (time series)', data: metrics },
  { id: 'chat', label: 'Chat request with tools', data: chat },
  { id: 'config', label: 'App config (mixed)', data: config },
];
