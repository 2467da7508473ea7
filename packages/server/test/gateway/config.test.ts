/** Gateway settings: flags > environment > defaults, validated with messages that name the setting. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/index.js';

describe('gateway configuration', () => {
  it('defaults to the official upstreams, key injection and a 10-minute deadline', () => {
    const config = loadConfig({}, {});
    expect(config.openaiUpstream).toBe('https://api.openai.com/v1');
    expect(config.anthropicUpstream).toBe('https://api.anthropic.com');
    expect(config.gatewayByok).toBe(false);
    expect(config.gatewayTimeoutMs).toBe(600_000);
    expect(config.openaiApiKey).toBeUndefined();
  });

  it('reads the environment, and flags win over it; a trailing slash is dropped and blank keys count as unset', () => {
    const env = { KAIZEN_OPENAI_UPSTREAM: 'http://127.0.0.1:11434/v1/', KAIZEN_OPENAI_API_KEY: ' sk-x ', KAIZEN_ANTHROPIC_API_KEY: '  ', KAIZEN_GATEWAY_BYOK: 'yes' };
    const config = loadConfig({ anthropicUpstream: 'https://proxy.example.com/anthropic' }, env);
    expect(config.openaiUpstream).toBe('http://127.0.0.1:11434/v1');
    expect(config.openaiApiKey).toBe('sk-x');
    expect(config.anthropicApiKey).toBeUndefined();
    expect(config.anthropicUpstream).toBe('https://proxy.example.com/anthropic');
    expect(config.gatewayByok).toBe(true);
  });

  it.each([
    ['KAIZEN_OPENAI_UPSTREAM', 'ftp://example.com', /--openai-upstream/],
    ['KAIZEN_ANTHROPIC_UPSTREAM', 'https://example.com/?key=1', /--anthropic-upstream/],
    ['KAIZEN_OPENAI_UPSTREAM', 'https://user:pw@example.com/v1', /credentials/],
    ['KAIZEN_GATEWAY_TIMEOUT_MS', '5', /KAIZEN_GATEWAY_TIMEOUT_MS/],
    ['KAIZEN_GATEWAY_BYOK', 'maybe', /--gateway-byok/],
  ])('refuses %s=%s with a message naming it', (variable, value, message) => {
    expect(() => loadConfig({}, { [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({}, { [variable]: value })).toThrow(message);
  });
});
