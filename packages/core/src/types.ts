/** Types shared by the modules of @kaizen/core (kept here so that no two modules import each other). */

/** Who is asking, for one operation. */
export interface OperationContext {
  tenant: string;
  requestId: string;
  /** Epoch ms; defaults to the engine clock. */
  now?: number;
  /** Size of the request body in bytes, when known. */
  requestBytes?: number;
  /** The request holds numbers a JS number cannot hold (KtofNumbers), when known: they do not survive a structured clone. */
  exactNumbers?: boolean;
  /** Aborted when the client goes away: work not started yet is dropped. */
  signal?: AbortSignal;
}
