// The console page (bundled by server.ts). Plain DOM, no framework: a few sections that call each
// function the way an app would (chat through the typed client in functions/client), and a log of
// every call with its raw request and response and "copy as curl".
import { createChatClient, type ChatStreamEvent } from '../../client/index.js';
import { readSseFrames } from '../../client/sse.js';
import { toCurl, type RecordedRequest } from './curl.js';
import { fromDocument, type RestDocument } from './firestore-rest.js';
import { conversationDeleteButton, deleteImage, wireMyData, type MyDataDeps } from './my-data.js';

interface ConsoleConfig {
  projectId: string;
  functionsBaseUrl: string;
  demoUser: { email: string; password: string } | null;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const el = (tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
};

let config: ConsoleConfig;
let session: { idToken: string; uid: string; email: string } | undefined;
let lastImageUrl: string | undefined;
let lastImageId: string | undefined;

// --- The call log -------------------------------------------------------------------------------

/** fetch, recorded: the request as the app would send it (the function's URL) and the raw answer. */
async function loggedFetch(input: string, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  const realUrl = input.startsWith('/fn/') ? `${config.functionsBaseUrl}/${input.slice(4)}` : input;
  const recorded: RecordedRequest = {
    method: init.method ?? 'GET',
    url: realUrl,
    headers,
    body: typeof init.body === 'string' ? init.body : undefined,
  };
  const entry = el('details');
  entry.append(el('summary', {}, `${recorded.method} ${realUrl.replace(config.functionsBaseUrl, '')} …`));
  const requestPre = el(
    'pre',
    {},
    `${recorded.method} ${realUrl}\n${JSON.stringify(headers, null, 2)}\n\n${recorded.body ?? ''}`,
  );
  const responsePre = el('pre', {}, '');
  const copy = el('button', {}, 'Copy as curl');
  copy.addEventListener('click', () => void navigator.clipboard?.writeText(toCurl(recorded)));
  entry.append(copy, el('div', {}, 'Request'), requestPre, el('div', {}, 'Response'), responsePre);
  $('log-list').prepend(entry);
  const response = await fetch(input, init);
  entry.querySelector('summary')!.textContent =
    `${recorded.method} ${realUrl.replace(config.functionsBaseUrl, '')} → ${response.status}`;
  const head = [`HTTP ${response.status}`];
  response.headers.forEach((value, name) => head.push(`${name}: ${value}`));
  responsePre.textContent = `${head.join('\n')}\n\n`;
  // A copy of the body for the log, read as it streams (SSE included); the caller reads the original.
  void response
    .clone()
    .text()
    .then((text) => (responsePre.textContent += text.length > 20_000 ? `${text.slice(0, 20_000)}…` : text))
    .catch(() => (responsePre.textContent += '[stopped]'));
  return response;
}

function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  if (!session) throw new Error('Sign in first.');
  return { authorization: `Bearer ${session.idToken}`, ...extra };
}

// --- Sign-in (Auth emulator REST) ---------------------------------------------------------------

async function authCall(method: 'signInWithPassword' | 'signUp', email: string, password: string) {
  const response = await fetch(`/auth/identitytoolkit.googleapis.com/v1/accounts:${method}?key=local-console`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, returnSecureToken: true }),
  });
  return (await response.json()) as { idToken?: string; localId?: string; error?: { message: string } };
}

async function signIn(email: string, password: string, signUpIfMissing: boolean): Promise<void> {
  $('signin-state').textContent = 'Signing in…';
  let answer = await authCall('signInWithPassword', email, password);
  if (answer.error && signUpIfMissing && /EMAIL_NOT_FOUND|INVALID_LOGIN_CREDENTIALS/.test(answer.error.message)) {
    answer = await authCall('signUp', email, password);
  }
  if (!answer.idToken || !answer.localId) {
    $('signin-state').textContent = `Sign-in failed: ${answer.error?.message ?? 'unknown'}`;
    return;
  }
  session = { idToken: answer.idToken, uid: answer.localId, email };
  $('signin-state').textContent = `Signed in as ${email}`;
  $('who').textContent = `${email} (${answer.localId})`;
  document.body.dataset.signedIn = 'true';
}

// --- Chat ---------------------------------------------------------------------------------------

let chatAbort: AbortController | undefined;

function renderToolResult(event: Extract<ChatStreamEvent, { type: 'tool-result' }>): void {
  const cards = $('chat-cards');
  const events = Array.isArray(event.result.events) ? (event.result.events as Array<Record<string, unknown>>) : [];
  const people = Array.isArray(event.result.people) ? (event.result.people as Array<Record<string, unknown>>) : [];
  const single = event.result.event as Record<string, unknown> | undefined;
  for (const item of [...events, ...(single ? [single] : [])]) {
    const card = el('div', { class: 'card tool-card', 'data-tool': event.name });
    const place = (item.place as { city?: string } | undefined)?.city ?? '';
    card.append(
      el('b', {}, String(item.title ?? 'Untitled')),
      // The same local time the reply's text uses (the request sent this browser's zone).
      el('div', {}, `${String(item.localStart ?? item.startsAt)} · ${place}`),
    );
    card.append(el('div', { class: 'state' }, ((item.tags as string[]) ?? []).join(' · ')));
    cards.append(card);
  }
  for (const person of people) {
    const card = el('div', { class: 'card tool-card', 'data-tool': event.name });
    card.append(el('b', {}, String(person.displayName ?? 'Someone')));
    card.append(el('div', { class: 'state' }, `shares ${((person.matchedInterests as string[]) ?? []).join(', ')}`));
    cards.append(card);
  }
  if (event.result.error)
    cards.append(el('div', { class: 'card' }, `${event.name}: ${JSON.stringify(event.result.error)}`));
}

async function sendChat(): Promise<void> {
  const message = $<HTMLTextAreaElement>('chat-input').value;
  const client = createChatClient({
    baseUrl: `${location.origin}/fn`,
    getIdToken: async () => authHeaders().authorization.slice('Bearer '.length),
    fetch: (url, init) => loggedFetch(String(url).replace(location.origin, ''), init as RequestInit),
  });
  chatAbort = new AbortController();
  $('chat-reply').textContent = '';
  $('chat-cards').textContent = '';
  $('chat-state').textContent = 'streaming…';
  $('chat').dataset.state = 'streaming';
  $<HTMLButtonElement>('chat-stop').disabled = false;
  try {
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    for await (const event of client.streamMessage({ message, timeZone }, { signal: chatAbort.signal })) {
      if (event.type === 'start') $('chat-state').textContent = `streaming… (times in ${event.timeZone})`;
      else if (event.type === 'delta') $('chat-reply').textContent += event.text;
      else if (event.type === 'tool-call') $('chat-state').textContent = `looking up: ${event.name}…`;
      else if (event.type === 'tool-result') renderToolResult(event);
      else if (event.type === 'done') {
        $('chat-state').textContent =
          `done · ${event.finishReason} · ${event.usage?.totalTokens ?? 0} tokens${event.cached ? ' · cached' : ''}`;
        $('chat').dataset.state = 'done';
      } else if (event.type === 'error') {
        $('chat-state').textContent = `error: ${event.code} ${event.message}`;
        $('chat').dataset.state = 'error';
      }
    }
  } catch (error) {
    const stopped = chatAbort.signal.aborted;
    $('chat-state').textContent = stopped ? 'stopped' : `failed: ${(error as Error).message}`;
    $('chat').dataset.state = stopped ? 'stopped' : 'error';
  } finally {
    $<HTMLButtonElement>('chat-stop').disabled = true;
  }
}

// --- Conversations (Firestore REST through the rules, as the app's SDK would read them) ------------

async function loadHistory(): Promise<void> {
  $('history-list').dataset.state = 'loading';
  const base = `/fs/v1/projects/${config.projectId}/databases/(default)/documents`;
  const response = await loggedFetch(`${base}:runQuery`, {
    method: 'POST',
    headers: authHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify({
      structuredQuery: {
        from: [{ collectionId: 'conversations' }],
        where: { fieldFilter: { field: { fieldPath: 'ownerId' }, op: 'EQUAL', value: { stringValue: session!.uid } } },
        limit: 20,
      },
    }),
  });
  const rows = (await response.json()) as Array<{ document?: RestDocument }>;
  const list = $('history-list');
  list.textContent = '';
  for (const row of rows) {
    if (!row.document) continue;
    const conversation = fromDocument(row.document);
    const item = el('details', { class: 'conversation' });
    const summary = el('summary', {}, String(conversation.lastMessagePreview ?? conversation.id));
    // In the summary, so it shows while the conversation is folded.
    summary.append(' ', conversationDeleteButton(myData, String(conversation.id), item));
    item.append(summary);
    item.addEventListener('toggle', () => void loadMessages(base, conversation.id, item), { once: true });
    list.append(item);
  }
  if (list.childElementCount === 0) list.textContent = 'No conversations yet.';
  list.dataset.state = 'loaded';
}

async function loadMessages(base: string, conversationId: string, into: HTMLElement): Promise<void> {
  const response = await loggedFetch(`${base}/conversations/${conversationId}/messages?pageSize=50`, {
    headers: authHeaders(),
  });
  const body = (await response.json()) as { documents?: RestDocument[] };
  for (const message of (body.documents ?? []).map(fromDocument)) {
    into.append(el('div', { class: 'message' }, `${String(message.role)}: ${String(message.text ?? '')}`));
  }
}

// --- Matching -----------------------------------------------------------------------------------

function bar(label: string, value: number): HTMLElement {
  const row = el('div', { class: 'component' });
  row.append(el('span', { class: 'state' }, `${label} ${value.toFixed(2)}`));
  const track = el('div', { class: 'bar' });
  const fill = el('span');
  fill.style.width = `${Math.round(Math.max(0, Math.min(1, value)) * 100)}%`;
  track.append(fill);
  row.append(track);
  return row;
}

function matchCard(match: Record<string, unknown>): HTMLElement {
  const card = el('div', { class: 'card match-card' });
  card.append(el('b', {}, String(match.displayName ?? match.title ?? match.userId ?? match.eventId)));
  card.append(bar('score', Number(match.score)));
  const components = (match.components ?? {}) as Record<string, number>;
  for (const [name, value] of Object.entries(components)) card.append(bar(name, value));
  card.append(el('div', {}, String(match.explanation ?? '')));
  card.append(el('span', { class: 'badge' }, String(match.explanationSource ?? '')));
  return card;
}

async function runMatch(name: 'matchUsers' | 'matchEvents' | 'suggestions'): Promise<void> {
  $('match-state').textContent = `${name}…`;
  const response =
    name === 'suggestions'
      ? await loggedFetch('/fn/suggestions', { headers: authHeaders() })
      : await loggedFetch(`/fn/${name}`, {
          method: 'POST',
          headers: authHeaders({ 'content-type': 'application/json' }),
          body: JSON.stringify({ limit: 5 }),
        });
  const body = (await response.json()) as Record<string, unknown>;
  const matches = (body.matches ?? [
    ...((body.users as unknown[]) ?? []),
    ...((body.events as unknown[]) ?? []),
  ]) as Array<Record<string, unknown>>;
  $('match-cards').textContent = '';
  for (const match of matches ?? []) $('match-cards').append(matchCard(match));
  $('match-state').textContent = response.ok
    ? `${name}: ${matches.length} matches`
    : `${name}: HTTP ${response.status}`;
}

// --- Images (SSE progress) ----------------------------------------------------------------------

async function runImage(kind: 'generateImage' | 'editImage'): Promise<void> {
  const prompt = $<HTMLInputElement>('image-prompt').value;
  const aspectRatio = $<HTMLSelectElement>('image-aspect').value;
  const body = kind === 'generateImage' ? { prompt, aspectRatio } : { image: lastImageUrl, editPrompt: prompt };
  $('image-state').textContent = `${kind}: starting…`;
  $('images').dataset.state = 'running';
  const response = await loggedFetch(`/fn/${kind}`, {
    method: 'POST',
    headers: authHeaders({ 'content-type': 'application/json', accept: 'text/event-stream' }),
    body: JSON.stringify(body),
  });
  if (!response.ok || !response.body) {
    $('image-state').textContent = `${kind}: HTTP ${response.status}`;
    $('images').dataset.state = 'error';
    return;
  }
  for await (const frame of readSseFrames(response.body)) {
    const data = JSON.parse(frame.data) as Record<string, unknown>;
    if (frame.event === 'progress')
      $('image-state').textContent = `${kind}: ${Number(data.bytes).toLocaleString()} bytes uploaded`;
    else if (frame.event === 'image') {
      lastImageUrl = String(data.url);
      lastImageId = String(data.id);
      const img = el('img', { src: lastImageUrl, alt: 'generated image', id: 'image-output' });
      $('image-result').replaceChildren(
        img,
        el('div', { class: 'state' }, `${String(data.width)}×${String(data.height)} ${String(data.format)}`),
      );
      $<HTMLButtonElement>('image-edit').disabled = false;
      $<HTMLButtonElement>('image-delete').disabled = false;
    } else if (frame.event === 'done') {
      $('image-state').textContent = `${kind}: done`;
      $('images').dataset.state = 'done';
    } else if (frame.event === 'error') {
      $('image-state').textContent = `${kind}: ${String(data.code)} ${String(data.message)}`;
      $('images').dataset.state = 'error';
    }
  }
}

// --- My data (export, deletions: my-data.ts) ------------------------------------------------------

const myData: MyDataDeps = {
  fetch: loggedFetch,
  authHeaders,
  $,
  el,
  signedOut: () => {
    session = undefined;
    document.body.dataset.signedIn = 'false';
    $('who').textContent = '';
  },
};

// --- Wiring -------------------------------------------------------------------------------------

function guard(action: () => Promise<void>): () => void {
  return () =>
    void action().catch((error: Error) => {
      $('signin-state').textContent = error.message;
    });
}

async function main(): Promise<void> {
  config = (await (await fetch('/config.json')).json()) as ConsoleConfig;
  if (config.demoUser) {
    $<HTMLInputElement>('email').value = config.demoUser.email;
    $<HTMLInputElement>('password').value = config.demoUser.password;
  }
  $('signin-demo').addEventListener(
    'click',
    guard(() => signIn(config.demoUser?.email ?? '', config.demoUser?.password ?? '', false)),
  );
  $('signin-any').addEventListener(
    'click',
    guard(() => signIn($<HTMLInputElement>('email').value, $<HTMLInputElement>('password').value, true)),
  );
  $('chat-send').addEventListener('click', guard(sendChat));
  $('chat-stop').addEventListener('click', () => chatAbort?.abort());
  $('history-load').addEventListener('click', guard(loadHistory));
  $('match-users').addEventListener(
    'click',
    guard(() => runMatch('matchUsers')),
  );
  $('match-events').addEventListener(
    'click',
    guard(() => runMatch('matchEvents')),
  );
  $('match-suggestions').addEventListener(
    'click',
    guard(() => runMatch('suggestions')),
  );
  $('image-generate').addEventListener(
    'click',
    guard(() => runImage('generateImage')),
  );
  $('image-edit').addEventListener(
    'click',
    guard(() => runImage('editImage')),
  );
  $('image-delete').addEventListener(
    'click',
    guard(async () => {
      if (lastImageId !== undefined && (await deleteImage(myData, lastImageId))) {
        lastImageId = undefined;
        $<HTMLButtonElement>('image-delete').disabled = true;
        $<HTMLButtonElement>('image-edit').disabled = true;
      }
    }),
  );
  wireMyData(myData, guard);
  document.body.dataset.ready = 'true';
}

void main();
