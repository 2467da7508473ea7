/** The request id: the caller's X-Request-ID when it is sane, otherwise a new UUID. */
const SANE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && SANE.test(header) ? header : crypto.randomUUID();
}
