/** Types the prompt modules share. */

/**
 * Where a caller keeps work done per string (an encoding, a fold, a document) across calls, so
 * the strings a conversation resends are worked on once. Bounding it is the caller's part
 * (@kaizen/core backs these with its TextCache).
 */
export interface TextKeyedCache<V> {
  get(text: string): V | undefined;
  set(text: string, value: V): void;
}
