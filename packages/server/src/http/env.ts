import type { HttpBindings } from '@hono/node-server';

/** Per-request values the middleware chain sets. */
export interface AppVariables {
  requestId: string;
  /** Set by auth on /v1 routes. */
  tenant: string;
  keyId: string | null;
  /** Extra fields for the request's access-log line (the gateway's figures). */
  logFields?: Record<string, unknown>;
}

export interface AppEnv {
  Bindings: Partial<HttpBindings>;
  Variables: AppVariables;
}
