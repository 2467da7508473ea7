/** Metrics/tracing hooks: called around every attempt, remote or local. */
import type { Operation } from '@kaizen/protocol';
import type { KaizenError } from './errors.js';

/** What is known when an attempt starts. Headers are redacted. */
export interface KaizenRequestInfo {
  operation: Operation;
  method: 'GET' | 'POST';
  url: string;
  requestId: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  headers: Record<string, string>;
}

/** What is known when an attempt ends. */
export interface KaizenResponseInfo extends KaizenRequestInfo {
  /** HTTP status, absent when no response arrived (connection error, timeout, abort). */
  status?: number;
  /** Milliseconds from the start of the attempt to the end of the body. */
  durationMs: number;
  /** The failure of this attempt, if any. */
  error?: KaizenError;
  /** Whether the client will try again. */
  willRetry: boolean;
}

export type KaizenRequestHook = (info: KaizenRequestInfo) => void;
export type KaizenResponseHook = (info: KaizenResponseInfo) => void;
