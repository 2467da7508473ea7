/**
 * Lazily loaded, cached tokenizers. Each encoding is imported on first use only (each one is
 * megabytes of merge ranks), and the loading promise is shared so concurrent first calls load
 * once. After loading, counting is synchronous.
 */
import type { Encoding } from './models.js';
import { boundLongRuns } from './long-runs.js';
import type { Counter } from './types.js';

/**
 * Text that spells a special token (`<|endoftext|>`) is counted as the plain text it is: that is
 * how a model API reads it in a message. The tokenizers' default is to throw on it, which would
 * fail a request over a prompt that merely mentions one.
 */
const AS_PLAIN_TEXT = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

const loading = new Map<Encoding, Promise<Counter>>();
const loaded = new Map<Encoding, Counter>();

async function load(encoding: Encoding): Promise<Counter> {
  switch (encoding) {
    case 'o200k_base': {
      const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base');
      return boundLongRuns((text) => countTokens(text, AS_PLAIN_TEXT));
    }
    case 'cl100k_base': {
      const { countTokens } = await import('gpt-tokenizer/encoding/cl100k_base');
      return boundLongRuns((text) => countTokens(text, AS_PLAIN_TEXT));
    }
    case 'claude': {
      // The package's own countTokens builds (and frees) a WASM tokenizer per call: keep one.
      const { getTokenizer } = (await import('@anthropic-ai/tokenizer')) as typeof import('@anthropic-ai/tokenizer');
      const tokenizer = getTokenizer();
      return boundLongRuns((text) => tokenizer.encode(text.normalize('NFKC'), [], []).length);
    }
  }
}

/** The counter of `encoding`, loading it on first use. */
export function loadEncoding(encoding: Encoding): Promise<Counter> {
  let pending = loading.get(encoding);
  if (!pending) {
    pending = load(encoding).then((counter) => {
      loaded.set(encoding, counter);
      return counter;
    });
    pending.catch(() => loading.delete(encoding));
    loading.set(encoding, pending);
  }
  return pending;
}

/** The counter of `encoding` if it is already loaded (synchronous hot path), else undefined. */
export function loadedEncoding(encoding: Encoding): Counter | undefined {
  return loaded.get(encoding);
}
