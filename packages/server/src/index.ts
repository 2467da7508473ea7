export type * from './backends/types.js';
export { BackendUnavailableError } from './backends/types.js';
