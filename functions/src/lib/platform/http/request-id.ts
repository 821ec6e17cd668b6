// Request ids: reuse the caller's X-Request-Id when it is safe to echo and log, else make one.
import { randomUUID } from 'node:crypto';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{8,128}$/;

export function resolveRequestId(header: string | string[] | undefined): string {
  const candidate = Array.isArray(header) ? header[0] : header;
  const trimmed = candidate?.trim();
  return trimmed && SANE_REQUEST_ID.test(trimmed) ? trimmed : randomUUID();
}
