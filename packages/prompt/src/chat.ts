/**
 * Chat requests: OpenAI chat (`messages`) and Responses (`input`, `instructions`), Anthropic
 * Messages (`system`, `messages`), Gemini (`contents`, `systemInstruction`). Only strings that
 * carry conversation content are visited — message text, tool results, tool-call arguments —
 * never model names, roles, ids, tool definitions, signed thinking blocks or binary data, so the
 * vendor request keeps its exact shape.
 */
import { KtofNumber, type JsonValue } from '@kaizen/ktof';

type JsonObject = { [key: string]: JsonValue };

/** Where a visited string sits. */
export interface StringSite {
  /** JSON pointer, e.g. "/messages/2/content". */
  path: string;
  /** The property that holds the string (for array elements, the array's property). */
  key: string;
  /** The tool whose arguments or result this string is, when known. */
  tool?: string;
}

const CONTENT_ROOTS = new Set(['messages', 'input', 'contents', 'system', 'instructions', 'systemInstruction', 'system_instruction']);
/** `value`: the Vercel AI SDK's tool-result output ({type: 'text', value}). */
const CONTENT_KEYS = new Set(['content', 'contents', 'text', 'arguments', 'output', 'result', 'input', 'system', 'instructions', 'systemInstruction', 'value']);
/** Objects under these keys are tool-call arguments (Anthropic tool_use.input, Gemini args): kept as sent. */
const ARGUMENT_OBJECTS = new Set(['input', 'args']);
/** Subtrees inside content that are binary, signed or structural. */
const SKIP_KEYS = new Set([
  'image_url', 'input_image', 'image', 'file', 'file_data', 'fileData', 'inline_data', 'inlineData', 'source', 'audio',
  'input_audio', 'cache_control', 'citations', 'annotations', 'signature', 'thinking', 'redacted_thinking',
  'encrypted_content', 'logprobs', 'functionCall', 'executableCode', 'codeExecutionResult',
]);
/** Inside these objects every string is tool output (Gemini functionResponse.response). */
const TOOL_OUTPUT_OBJECTS = new Set(['response']);

export function isPlainObject(value: unknown): value is JsonObject {
  // A KtofNumber (a number beyond what a JS number holds, from an exact decode) is a number.
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof KtofNumber);
}

/** True for the request shapes above, or a bare list of messages. */
export function isChatRequest(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every((m) => isPlainObject(m) && (typeof m.role === 'string' || typeof m.type === 'string'));
  if (!isPlainObject(value)) return false;
  return Array.isArray(value.messages) || Array.isArray(value.contents) || typeof value.input === 'string' || Array.isArray(value.input);
}

/** Tool names by call id, from the tool calls the request holds (OpenAI, Responses, Anthropic). */
function toolNamesById(request: JsonValue): Map<string, string> {
  const names = new Map<string, string>();
  const walk = (node: JsonValue): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isPlainObject(node)) return;
    const fn = node.function;
    if (typeof node.id === 'string' && isPlainObject(fn) && typeof fn.name === 'string') names.set(node.id, fn.name);
    if (node.type === 'tool_use' && typeof node.id === 'string' && typeof node.name === 'string') names.set(node.id, node.name);
    if (node.type === 'function_call' && typeof node.call_id === 'string' && typeof node.name === 'string') names.set(node.call_id, node.name);
    for (const key of Object.keys(node)) walk(node[key] as JsonValue);
  };
  walk(request);
  return names;
}

function toolOf(node: JsonObject, names: Map<string, string>, inherited: string | undefined): string | undefined {
  for (const idKey of ['tool_call_id', 'call_id', 'tool_use_id']) {
    const id = node[idKey];
    if (typeof id === 'string' && names.has(id)) return names.get(id);
  }
  const hasPayload = 'arguments' in node || 'response' in node || 'args' in node;
  if (typeof node.name === 'string' && hasPayload) return node.name;
  return inherited;
}

const pointer = (path: string, key: string | number): string => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * A copy of `request` with every content string replaced by `visit(text, site)`. Keys and order
 * are preserved (own properties only, so keys like "__proto__" stay plain data).
 */
export function mapChatStrings(request: JsonValue, visit: (text: string, site: StringSite) => string): JsonValue {
  const names = toolNamesById(request);
  const map = (node: JsonValue, site: StringSite, inContent: boolean, anyString: boolean): JsonValue => {
    if (typeof node === 'string') return inContent && (anyString || CONTENT_KEYS.has(site.key)) ? visit(node, site) : node;
    if (Array.isArray(node)) return node.map((item, i) => map(item, { ...site, path: pointer(site.path, i) }, inContent, anyString));
    if (!isPlainObject(node)) return node;
    const tool = inContent ? toolOf(node, names, site.tool) : undefined;
    return Object.fromEntries(
      Object.keys(node).map((key) => {
        const child = node[key] as JsonValue;
        const childSite: StringSite = { path: pointer(site.path, key), key, ...(tool !== undefined && { tool }) };
        if (!inContent) return [key, CONTENT_ROOTS.has(key) ? map(child, childSite, true, false) : child];
        if (SKIP_KEYS.has(key) || (ARGUMENT_OBJECTS.has(key) && isPlainObject(child))) return [key, child];
        return [key, map(child, childSite, true, anyString || TOOL_OUTPUT_OBJECTS.has(key))];
      }),
    );
  };
  // A bare message list is content from the top.
  return Array.isArray(request) ? map(request, { path: '', key: 'messages' }, true, false) : map(request, { path: '', key: '' }, false, false);
}
