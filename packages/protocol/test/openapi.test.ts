import { describe, expect, it } from 'vitest';
import { generateOpenApi } from '../src/index.js';

const doc = generateOpenApi({ version: 'snapshot' }) as any;

// The original contract: route -> request schema -> required fields. Written out here so the
// test keeps us honest without reading the spec at test time.
const CONTRACT: Record<string, { schema: string; required: string[]; properties: string[] }> = {
  '/v1/compress': { schema: 'EncodeRequest', required: ['data'], properties: ['data', 'options'] },
  '/v1/decompress': { schema: 'DecodeRequest', required: ['data'], properties: ['data', 'options'] },
  '/v1/optimize': { schema: 'OptimizeRequest', required: ['data'], properties: ['data', 'options'] },
  '/v1/optimize/request': { schema: 'OptimizeRequestPayload', required: ['prompt'], properties: ['prompt', 'options', 'auto_detect_json', 'metadata', 'token_models'] },
  '/v1/optimize/response': { schema: 'OptimizeResponsePayload', required: ['ktof'], properties: ['ktof', 'options'] },
  '/v1/prompts/encode': { schema: 'PromptEncodePayload', required: ['prompt'], properties: ['prompt', 'options', 'auto_detect_json', 'schemas', 'metadata', 'token_models'] },
  '/v1/prompts/decode': { schema: 'PromptDecodePayload', required: ['ktof'], properties: ['ktof', 'options', 'replay_meta', 'metadata'] },
};

describe('openapi document', () => {
  it('stays stable (committed snapshot)', async () => {
    await expect(JSON.stringify(doc, null, 2) + '\n').toMatchFileSnapshot('./openapi.snapshot.json');
  });

  it('has every route and request schema of the original contract with the same required fields', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/'].get).toBeDefined();
    for (const [path, expected] of Object.entries(CONTRACT)) {
      const post = doc.paths[path]?.post;
      expect(post, path).toBeDefined();
      expect(post.requestBody.content['application/json'].schema.$ref).toBe(`#/components/schemas/${expected.schema}`);
      expect(post.responses['422'].content['application/json'].schema.$ref).toBe('#/components/schemas/HTTPValidationError');
      const schema = doc.components.schemas[expected.schema];
      expect(schema.required).toEqual(expected.required);
      for (const property of expected.properties) expect(schema.properties, `${expected.schema}.${property}`).toHaveProperty(property);
      expect(schema.additionalProperties).toBe(false);
    }
    for (const name of ['EncodeOptions', 'DecodeOptions', 'ValidationError', 'HTTPValidationError']) expect(doc.components.schemas).toHaveProperty(name);
    expect(doc.components.schemas.ValidationError.required).toEqual(['loc', 'msg', 'type']);
    expect(doc.components.schemas.DecodeOptions.properties.strict.default).toBe(true);
    expect(doc.components.schemas.EncodeOptions.properties.indent.anyOf[0]).toEqual({ type: 'integer', minimum: 1 });
    expect(doc.components.schemas.EncodeOptions.properties.delimiter.anyOf[0]).toEqual({ type: 'string', minLength: 1, maxLength: 1 });
  });

  it('is deterministic', () => {
    expect(JSON.stringify(generateOpenApi({ version: 'snapshot' }))).toBe(JSON.stringify(doc));
  });
});
