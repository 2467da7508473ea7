/**
 * What a replay record counts toward MAX_REPLAY_BYTES_PER_PAYLOAD, the same in every backend:
 * the UTF-8 bytes of its `replay_meta` and `metadata` as JSON, plus a fixed allowance for the
 * rest (time, request id, framing), so a store keeps the same records whatever its format.
 */
import { utf8Length } from '@kaizen/core';
import { stringifyJson } from '@kaizen/ktof';
import type { PayloadReplay } from './types.js';

/** What a record's time, request id and framing count, whatever their actual length. */
export const REPLAY_RECORD_OVERHEAD_BYTES = 64;

/** A replay's caller-supplied parts as the JSON a store keeps (numbers exact). */
export interface ReplayTexts {
  replayMeta: string | null;
  metadata: string | null;
}

export function replayTexts(replay: PayloadReplay): ReplayTexts {
  return { replayMeta: replay.replayMeta == null ? null : stringifyJson(replay.replayMeta), metadata: replay.metadata == null ? null : stringifyJson(replay.metadata) };
}

/** The bytes one record counts toward a payload's replay budget. */
export function replayRecordBytes({ replayMeta, metadata }: ReplayTexts): number {
  return (replayMeta === null ? 0 : utf8Length(replayMeta)) + (metadata === null ? 0 : utf8Length(metadata)) + REPLAY_RECORD_OVERHEAD_BYTES;
}
