import { describe, expect, it } from 'vitest';
import { BODY_OPERATION_NAMES, OPERATION_NAMES, OPERATIONS, parseRequest, type BodyOperationName } from '@kaizen/protocol';
import { createEngine, MemoryPayloadStore, type OperationHandlers } from '../src/index.js';

// The smallest valid request of each POST operation: the table's schemas accept it as written.
const MINIMAL: { [K in keyof OperationHandlers]: unknown } = {
  compress: { data: { a: 1 } },
  decompress: { data: 'a: 1' },
  optimize: { data: { a: 1 }, token_models: ['gpt-4o'] },
  optimizeRequest: { prompt: { messages: [{ role: 'user', content: '{"a":1}' }] } },
  optimizeResponse: { ktof: 'a: 1' },
  promptsEncode: { prompt: { messages: [{ role: 'user', content: '{"a":1}' }] } },
  promptsDecode: { ktof: 'a: 1' },
};

describe('the operation table', () => {
  it('lists health as the one GET and every other row as a POST under /v1', () => {
    expect(OPERATION_NAMES.filter((name) => OPERATIONS[name].method === 'GET')).toEqual(['health']);
    for (const name of BODY_OPERATION_NAMES) expect(OPERATIONS[name].path).toMatch(/^\/v1\//);
    expect(new Set(OPERATION_NAMES.map((name) => OPERATIONS[name].path)).size).toBe(OPERATION_NAMES.length);
  });

  it("core answers every POST row with an envelope naming the row's wire operation", async () => {
    const engine = createEngine({ store: new MemoryPayloadStore(), version: '1.0.0' });
    const handlers: OperationHandlers = engine;
    // Generic over the row, as the server mounts them: request and envelope types follow from it.
    const check = async <K extends BodyOperationName>(name: K) => {
      const envelope = await handlers[name](parseRequest(name, MINIMAL[name]), { tenant: 't', requestId: `r-${name}` });
      expect(envelope.operation).toBe(OPERATIONS[name].operation);
      expect(envelope.status).toBe('ok');
    };
    for (const name of BODY_OPERATION_NAMES) await check(name);
    expect(engine.health().operation).toBe('health');
  });
});
