import type { HttpBindings } from '@hono/node-server';

/** Per-request values the middleware chain sets. */
export interface AppVariables {
  requestId: string;
  /** Set by auth on /v1 routes. */
  tenant: string;
  keyId: string | null;
}

export interface AppEnv {
  Bindings: Partial<HttpBindings>;
  Variables: AppVariables;
}
