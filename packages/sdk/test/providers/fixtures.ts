/** Shared test data: JSON-heavy conversation pieces and a KTOF reply written by the real codec. */
import { encode, type JsonValue } from '@kaizen/ktof';
import { PROMPT_PRIMER } from '@kaizen/prompt';

export const ROWS = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `Customer ${i + 1}`, city: ['Paris', 'Lyon', 'Nice'][i % 3]!, orders: i * 3, vip: i % 4 === 0 }));
/** Tool output as APIs usually return it: pretty-printed JSON. */
export const TOOL_OUTPUT = JSON.stringify({ customers: ROWS }, null, 2);
export const USER_TEXT = `Here are last week's orders:\n\`\`\`json\n${JSON.stringify(ROWS.slice(0, 10), null, 2)}\n\`\`\`\nWhich city buys most?`;
export const REPLY_VALUE: JsonValue = { city: 'Paris', total: 42, top: [{ id: 1, orders: 0 }, { id: 4, orders: 9 }] };
export const REPLY_TEXT = `Here is the answer:\n\`\`\`ktof\n${encode(REPLY_VALUE)}\n\`\`\`\nAnything else?`;
export const TOOLS_OPENAI = [{ type: 'function' as const, function: { name: 'get_customers', description: 'List customers', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

/** How often the primer appears in a serialized request body. */
export const primerCount = (body: unknown) => JSON.stringify(body).split(JSON.stringify(PROMPT_PRIMER).slice(1, -1)).length - 1;
