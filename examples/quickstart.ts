import { KaizenClient } from '@kaizen/sdk';

// Reads KAIZEN_BASE_URL and KAIZEN_API_KEY; `await using` closes the client at the end.
await using kaizen = KaizenClient.fromEnv();

const users = { users: [{ id: 1, name: 'Ada', admin: true }, { id: 2, name: 'Grace', admin: false }] };
const packed = await kaizen.optimize({ data: users, token_models: ['gpt-4o-mini'] });
console.log(packed.result);
console.log(packed.stats, packed.token_stats);

const back = await kaizen.decompress({ data: packed.result });
console.log('lossless:', JSON.stringify(back.result) === JSON.stringify(users));
