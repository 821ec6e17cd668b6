// What the local console may forward, and where: a fixed upstream per path prefix, and within it
// only the paths the page uses. Anything else is no route (the server answers 404), so the console
// is not a proxy to any other loopback service (the local Gemini server's control API, an
// emulator's admin routes), whatever the path spells.
//
// The target is built by appending checked segments to the fixed base, never by URL resolution:
// an absolute URL ("http://127.0.0.1:9/..."), a protocol-relative one ("//host"), dot segments
// ("..", "%2e%2e") and percent-escapes cannot move it.

export interface ProxyRoute {
  /** The page's prefix, e.g. "/fn/". */
  readonly prefix: string;
  /** The fixed upstream base, e.g. http://127.0.0.1:5001/demo-social-ai/us-central1/ */
  readonly upstream: URL;
  /** What the rest of the path (after the prefix) must look like: the page's paths only. */
  readonly allowed: RegExp;
}

/** One path segment: letters, digits and the few punctuation marks the page's paths use. */
const SEGMENT = /^[A-Za-z0-9_\-.:()]+$/;

function segmentsOk(rest: string): boolean {
  if (rest === '') return false;
  return rest.split('/').every((segment) => SEGMENT.test(segment) && segment !== '.' && segment !== '..');
}

function withSlash(url: URL): URL {
  return url.pathname.endsWith('/') ? url : new URL(`${url.origin}${url.pathname}/`);
}

/**
 * The console's three routes. The page needs, and so the console forwards only:
 * - `/fn/<function>[/<uid>]`: the HTTPS functions under the Functions emulator's project/region base;
 * - `/auth/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword` and `accounts:signUp`: sign-in.
 *   No emulator admin route (`/auth/emulator/v1/...`, which lists, edits or deletes every account);
 * - `/fs/v1/projects/<project>/databases/(default)/documents...`: reads of the signed-in user's data under
 *   the security rules. Not the emulator's admin routes (`/emulator/v1/...`, which clears the database
 *   or replaces the rules).
 */
export function consoleRoutes(options: {
  functionsBaseUrl: string;
  authHost: string;
  firestoreHost: string;
  projectId: string;
}): ProxyRoute[] {
  const project = options.projectId.replace(/[^A-Za-z0-9-]/g, '');
  return [
    {
      prefix: '/fn/',
      upstream: withSlash(new URL(options.functionsBaseUrl)),
      allowed:
        /^(chatMessage|chatStream|matchUsers|matchEvents|suggestions|generateImage|editImage|deleteConversation|deleteImage|exportData|deleteAccount)(\/[A-Za-z0-9_-]+)?$/,
    },
    {
      prefix: '/auth/',
      upstream: new URL(`http://${options.authHost}/`),
      allowed: /^identitytoolkit\.googleapis\.com\/v1\/accounts:(signInWithPassword|signUp)$/,
    },
    {
      prefix: '/fs/',
      upstream: new URL(`http://${options.firestoreHost}/`),
      allowed: new RegExp(`^v1/projects/${project}/databases/\\(default\\)/documents(:runQuery|/.+)$`),
    },
  ];
}

/** The upstream URL for a request target (path and query), or undefined when no route allows it. */
export function upstreamFor(routes: readonly ProxyRoute[], target: string): URL | undefined {
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt);
  const route = routes.find((candidate) => path.startsWith(candidate.prefix));
  if (route === undefined) return undefined;
  const rest = path.slice(route.prefix.length);
  if (!segmentsOk(rest) || !route.allowed.test(rest)) return undefined;
  const url = new URL(`${route.upstream.origin}${route.upstream.pathname}${rest}${query}`);
  // Belt and braces: the parsed target is still on the upstream, under its base.
  if (url.origin !== route.upstream.origin || !url.pathname.startsWith(route.upstream.pathname)) return undefined;
  return url;
}

/** Host header values that name the console itself: its loopback address or `localhost`, with its port. */
export function ownHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}
