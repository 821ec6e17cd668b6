// Response headers of every function, on every answer (JSON, errors, SSE, 204 preflights), set by the
// request layer before anything else can answer. Responses carry personal data (chat transcripts,
// profiles, matches) and are never meant to be stored, rendered, framed or embedded, so this is what
// helmet sends, tuned for a JSON API the way OWASP's REST cheat sheet describes:
//   Cache-Control: no-store           no browser, device or intermediary cache keeps a copy
//   X-Content-Type-Options: nosniff   JSON is never sniffed into HTML or script
//   Content-Security-Policy           default-src 'none' (nothing loads if a response is ever rendered)
//                                     and frame-ancestors 'none' (never framed)
//   X-Frame-Options: DENY             the same for browsers without frame-ancestors
//   Referrer-Policy: no-referrer
//   Cross-Origin-Resource-Policy: same-origin
//                                     other sites cannot embed responses with no-cors loads (<img>,
//                                     <script>); the app's fetch() calls are CORS requests, which
//                                     CORP does not apply to, so they are unaffected
//   Strict-Transport-Security         HTTPS only for a year (browsers ignore it over plain http)
// and no X-Powered-By. Left out as meaningless for JSON: COOP/COEP and Origin-Agent-Cluster (documents
// only), X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection.
import type { ServerResponse } from 'node:http';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  // Set by Express (the functions framework) before our code runs; it only helps fingerprinting.
  res.removeHeader('X-Powered-By');
}
