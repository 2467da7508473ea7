/**
 * Seeded, realistic benchmark datasets (faker with a fixed seed): the same seed always gives the
 * same data. Reused by every benchmark; add kinds here rather than in a benchmark script.
 */
import { Faker, base, en } from '@faker-js/faker';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Dataset {
  name: string;
  description: string;
  /** Rows of primitives only (CSV can represent it). */
  flat: boolean;
  value: Json;
}

type Gen = (f: Faker) => Json;

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const iso = (d: Date): string => d.toISOString();
const day = (d: Date): string => d.toISOString().slice(0, 10);

const employees: Gen = (f) => Array.from({ length: 100 }, (_, i) => ({
  id: 1001 + i,
  name: f.person.fullName(),
  email: f.internet.email().toLowerCase(),
  department: f.helpers.arrayElement(['Engineering', 'Sales', 'Marketing', 'Finance', 'Support', 'HR', 'Legal']),
  title: f.person.jobTitle(),
  salary: f.number.int({ min: 42, max: 210 }) * 1000,
  hired: day(f.date.past({ years: 12 })),
  active: f.datatype.boolean({ probability: 0.9 }),
}));

const metrics: Gen = (f) => {
  const start = Date.UTC(2025, 0, 1);
  return Array.from({ length: 90 }, (_, i) => ({
    date: day(new Date(start + i * 86_400_000)),
    views: f.number.int({ min: 4000, max: 20000 }),
    clicks: f.number.int({ min: 100, max: 1500 }),
    conversions: f.number.int({ min: 5, max: 120 }),
    revenue: round(f.number.float({ min: 500, max: 25000 })),
    bounce_rate: round(f.number.float({ min: 0.2, max: 0.75 }), 3),
  }));
};

const repositories: Gen = (f) => Array.from({ length: 40 }, () => {
  const name = f.helpers.slugify(`${f.hacker.adjective()}-${f.hacker.noun()}`).toLowerCase();
  return {
    id: f.number.int({ min: 10_000, max: 9_999_999 }),
    name,
    full_name: `${f.internet.username().toLowerCase()}/${name}`,
    description: `${f.company.catchPhrase()}. ${f.lorem.sentences({ min: 1, max: 3 })}`,
    language: f.helpers.arrayElement(['TypeScript', 'Python', 'Go', 'Rust', 'Java', 'C++', 'Ruby']),
    stars: f.number.int({ min: 0, max: 85_000 }),
    forks: f.number.int({ min: 0, max: 9_000 }),
    open_issues: f.number.int({ min: 0, max: 700 }),
    license: f.helpers.arrayElement(['MIT', 'Apache-2.0', 'GPL-3.0', 'BSD-3-Clause', null]),
    updated_at: iso(f.date.recent({ days: 300 })),
  };
});

const orders: Gen = (f) => Array.from({ length: 30 }, (_, i) => {
  const items = Array.from({ length: f.number.int({ min: 1, max: 4 }) }, () => ({
    sku: f.string.alphanumeric({ length: 8, casing: 'upper' }),
    name: f.commerce.productName(),
    quantity: f.number.int({ min: 1, max: 5 }),
    price: round(f.number.float({ min: 3, max: 400 })),
  }));
  return {
    order_id: `ORD-${20250000 + i}`,
    created_at: iso(f.date.recent({ days: 60 })),
    status: f.helpers.arrayElement(['pending', 'paid', 'shipped', 'delivered', 'refunded']),
    customer: { id: f.number.int({ min: 1, max: 99999 }), name: f.person.fullName(), email: f.internet.email().toLowerCase() },
    items,
    total: round(items.reduce((s, it) => s + it.quantity * it.price, 0)),
    currency: 'USD',
  };
});

const eventLogs: Gen = (f) => Array.from({ length: 80 }, () => {
  const level = f.helpers.weightedArrayElement([{ weight: 7, value: 'info' }, { weight: 2, value: 'warn' }, { weight: 2, value: 'error' }]);
  const event: { [key: string]: Json } = {
    timestamp: iso(f.date.recent({ days: 2 })),
    level,
    service: f.helpers.arrayElement(['api-gateway', 'auth', 'billing', 'search', 'notifications']),
    message: f.hacker.phrase(),
    request_id: f.string.uuid(),
    duration_ms: f.number.int({ min: 1, max: 3000 }),
  };
  if (level === 'error') {
    event.error = {
      code: f.helpers.arrayElement(['ETIMEDOUT', 'ECONNRESET', 'E_VALIDATION', 'E_QUOTA']),
      message: f.lorem.sentence(),
      retryable: f.datatype.boolean(),
    };
  }
  return event;
});

const serviceConfig: Gen = (f) => ({
  service: { name: 'checkout', version: f.system.semver(), environment: 'production', region: f.helpers.arrayElement(['eu-west-1', 'us-east-1']) },
  server: {
    http: { host: '0.0.0.0', port: 8080, timeouts: { read_ms: 5000, write_ms: 10000, idle_ms: 60000 }, tls: { enabled: true, cert_file: '/etc/tls/cert.pem', key_file: '/etc/tls/key.pem', min_version: '1.2' } },
    grpc: { port: 9090, max_message_bytes: 4194304, keepalive: { time_s: 30, timeout_s: 10 } },
  },
  database: {
    primary: { driver: 'postgres', host: f.internet.domainName(), port: 5432, name: 'checkout', pool: { min: 5, max: 50, idle_timeout_s: 300 } },
    replicas: Array.from({ length: 3 }, () => ({ host: f.internet.domainName(), port: 5432, weight: f.number.int({ min: 1, max: 10 }) })),
    migrations: { auto_apply: false, directory: 'db/migrations', lock_timeout_s: 30 },
  },
  cache: { redis: { url: `redis://${f.internet.domainName()}:6379/0`, ttl_s: 600, cluster: { enabled: true, nodes: 6, read_from_replicas: true } } },
  observability: {
    logging: { level: 'info', format: 'json', sampling: { initial: 100, thereafter: 10 } },
    metrics: { enabled: true, exporter: 'prometheus', path: '/metrics', buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] },
    tracing: { enabled: true, sampler: { type: 'ratio', ratio: 0.1 }, exporter: { otlp: { endpoint: `https://${f.internet.domainName()}:4317`, headers: { 'x-api-key': f.string.alphanumeric(24) } } } },
  },
  features: { new_checkout: { enabled: true, rollout: { percent: 25, segments: ['beta', 'staff'] } }, fraud_scoring: { enabled: true, provider: 'internal', thresholds: { review: 0.6, block: 0.9 } } },
  limits: { rate: { per_second: 200, burst: 400 }, body_bytes: 1048576, upstreams: { payments: { timeout_ms: 3000, retries: 2, circuit_breaker: { failure_ratio: 0.5, window_s: 30 } } } },
});

const featureFlags: Gen = (f) => {
  const flags: { [key: string]: Json } = {};
  for (let i = 0; i < 40; i++) {
    const name = `${f.hacker.verb()}_${f.hacker.noun()}_${i}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
    flags[name] = {
      enabled: f.datatype.boolean(),
      rollout_percent: f.helpers.arrayElement([0, 5, 10, 25, 50, 100]),
      owner: f.internet.email().toLowerCase(),
      description: f.lorem.sentence({ min: 4, max: 10 }),
      updated_at: day(f.date.recent({ days: 200 })),
    };
  }
  return { flags };
};

const contacts: Gen = (f) => Array.from({ length: 50 }, (_, i) => ({
  id: i + 1,
  name: f.person.fullName(),
  email: f.internet.email().toLowerCase(),
  phone: f.phone.number({ style: 'international' }),
  address: { street: f.location.streetAddress(), city: f.location.city(), zip: f.location.zipCode(), country: f.location.countryCode() },
  plan: { tier: f.helpers.arrayElement(['free', 'pro', 'team', 'enterprise']), seats: f.number.int({ min: 1, max: 250 }), renews: day(f.date.future()) },
  tags: f.helpers.arrayElements(['vip', 'newsletter', 'trial', 'partner', 'churn-risk'], { min: 0, max: 3 }),
}));

const chatRequest: Gen = (f) => ({
  model: 'gpt-4o',
  temperature: 0.2,
  messages: [
    { role: 'system', content: 'You are a support assistant for an online store. Use the tools to look up orders and refunds. Answer briefly.' },
    { role: 'user', content: `Hi, my order ${f.string.numeric(8)} has not arrived yet. Can you check where it is and whether I can get a refund?` },
    { role: 'assistant', content: 'Let me look that up for you.' },
    { role: 'user', content: 'Thanks. It was supposed to arrive last Tuesday, and I paid for express shipping.' },
  ],
  tools: [
    { type: 'function', function: { name: 'get_order', description: 'Look up an order by its id and return status, items and shipping.', parameters: { type: 'object', properties: { order_id: { type: 'string', description: 'The order id, 8 digits.' }, include_items: { type: 'boolean', description: 'Whether to include line items.' } }, required: ['order_id'] } } },
    { type: 'function', function: { name: 'track_shipment', description: 'Get the carrier tracking events of a shipment.', parameters: { type: 'object', properties: { tracking_number: { type: 'string', description: 'Carrier tracking number.' }, carrier: { type: 'string', enum: ['ups', 'fedex', 'dhl', 'usps'], description: 'Carrier code.' } }, required: ['tracking_number', 'carrier'] } } },
    { type: 'function', function: { name: 'create_refund', description: 'Create a refund for an order or some of its items.', parameters: { type: 'object', properties: { order_id: { type: 'string', description: 'The order id.' }, amount: { type: 'number', description: 'Amount to refund in the order currency.' }, reason: { type: 'string', enum: ['late', 'damaged', 'wrong_item', 'other'], description: 'Reason code.' }, items: { type: 'array', items: { type: 'string' }, description: 'SKUs to refund; all when omitted.' } }, required: ['order_id', 'reason'] } } },
  ],
  tool_choice: 'auto',
});

const documents: Gen = (f) => Array.from({ length: 15 }, (_, i) => ({
  id: `doc-${i + 1}`,
  score: round(f.number.float({ min: 0.55, max: 0.97 }), 4),
  content: f.lorem.paragraphs({ min: 1, max: 2 }, ' '),
  metadata: {
    source: f.internet.url(),
    title: f.lorem.sentence({ min: 3, max: 7 }),
    author: f.person.fullName(),
    published: day(f.date.past({ years: 3 })),
    section: f.helpers.arrayElement(['docs', 'blog', 'faq', 'changelog']),
  },
}));

const sqlResult: Gen = (f) => ({
  columns: ['id', 'customer', 'country', 'orders', 'lifetime_value', 'last_order', 'is_active'],
  rows: Array.from({ length: 100 }, (_, i) => [
    i + 1, f.company.name(), f.location.countryCode(), f.number.int({ min: 1, max: 80 }),
    round(f.number.float({ min: 20, max: 20000 })), day(f.date.recent({ days: 400 })), f.datatype.boolean(),
  ]),
  row_count: 100,
  elapsed_ms: 42,
});

const geojson: Gen = (f) => ({
  type: 'FeatureCollection',
  features: Array.from({ length: 40 }, (_, i) => ({
    type: 'Feature',
    id: i + 1,
    geometry: { type: 'Point', coordinates: [round(f.location.longitude(), 5), round(f.location.latitude(), 5)] },
    properties: { name: f.location.city(), population: f.number.int({ min: 1000, max: 5_000_000 }), country: f.location.countryCode(), capital: f.datatype.boolean({ probability: 0.1 }) },
  })),
});

const sparseRecords: Gen = (f) => {
  const fields = Array.from({ length: 30 }, (_, i) => `field_${String(i + 1).padStart(2, '0')}`);
  const value = (k: number): Json => {
    switch (k % 5) {
      case 0: return f.number.int({ min: 0, max: 10000 });
      case 1: return f.word.noun();
      case 2: return f.datatype.boolean();
      case 3: return round(f.number.float({ min: 0, max: 100 }));
      default: return day(f.date.past());
    }
  };
  return Array.from({ length: 60 }, (_, i) => {
    const row: { [key: string]: Json } = { id: i + 1 };
    fields.forEach((name, k) => { if (f.number.float({ min: 0, max: 1 }) < 0.3) row[name] = value(k); });
    return row;
  });
};

const KINDS: [string, string, boolean, Gen][] = [
  ['employees', 'uniform employee table (100 rows)', true, employees],
  ['metrics', 'daily time-series metrics (90 days)', true, metrics],
  ['repositories', 'repositories with long descriptions (40)', true, repositories],
  ['orders', 'e-commerce orders, nested customer + items (30)', false, orders],
  ['event-logs', 'semi-uniform event logs, nested error on some rows (80)', false, eventLogs],
  ['config', 'deeply nested service configuration', false, serviceConfig],
  ['feature-flags', 'feature flags keyed by name (40)', false, featureFlags],
  ['contacts', 'contacts with nested address and plan (50)', false, contacts],
  ['chat-tools', 'chat request with tool schemas', false, chatRequest],
  ['documents', 'retrieved documents with metadata (15)', false, documents],
  ['sql-result', 'SQL-style result: columns + row arrays (100)', true, sqlResult],
  ['geojson', 'GeoJSON feature collection (40 points)', false, geojson],
  ['sparse', 'sparse records, 30 optional fields ~30% present (60)', true, sparseRecords],
];

/** All benchmark datasets for `seed`, in a fixed order. */
export function datasets(seed = 42): Dataset[] {
  return KINDS.map(([name, description, flat, gen], i) => {
    const f = new Faker({ locale: [en, base], seed: seed * 1000 + i });
    f.setDefaultRefDate(new Date(Date.UTC(2025, 5, 1)));
    return { name, description, flat, value: gen(f) };
  });
}

/** CSV (RFC 4180) for flat datasets: arrays of flat objects, or `{columns, rows}` results. */
export function toCsv(value: Json): string | undefined {
  const cell = (v: Json | undefined): string => {
    if (v === undefined || v === null) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  if (Array.isArray(value)) {
    const rows = value as { [key: string]: Json }[];
    const header: string[] = [];
    for (const r of rows) for (const k of Object.keys(r)) if (!header.includes(k)) header.push(k);
    return [header.map(cell).join(','), ...rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\n');
  }
  if (value && typeof value === 'object' && Array.isArray((value as { columns?: Json }).columns)) {
    const { columns, rows } = value as { columns: Json[]; rows: Json[][] };
    return [columns.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n');
  }
  return undefined;
}
