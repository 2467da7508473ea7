export type { StoredPayload, PayloadReplay, PayloadLookup, PayloadStore } from './store.js';
