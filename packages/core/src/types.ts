/** Types shared by the modules of @kaizen/core (kept here so that no two modules import each other). */

/** Who is asking, for one operation. */
export interface OperationContext {
  tenant: string;
  requestId: string;
  /** Epoch ms; defaults to the engine clock. */
  now?: number;
  /** Size of the request body in bytes, when known. */
  requestBytes?: number;
}
