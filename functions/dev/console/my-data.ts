// The console's "My data" controls, as an app would offer them: export everything (a JSON download),
// delete one conversation (a button on each in "My conversations"), delete the last image, and delete
// the account (after a confirmation; a sign-in older than 5 minutes is refused by the function).
export interface MyDataDeps {
  fetch(input: string, init?: RequestInit): Promise<Response>;
  authHeaders(extra?: Record<string, string>): Record<string, string>;
  $<T extends HTMLElement = HTMLElement>(id: string): T;
  el(tag: string, attrs?: Record<string, string>, text?: string): HTMLElement;
  /** Called once the account is gone: the page forgets the session. */
  signedOut(): void;
}

/** A function's JSON answer, read field by field below. */
type Answer = { error?: { code?: string; message?: string } } & Record<string, unknown>;

async function postJson(deps: MyDataDeps, name: string, body: unknown): Promise<{ status: number; json: Answer }> {
  const response = await deps.fetch(`/fn/${name}`, {
    method: 'POST',
    headers: deps.authHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Answer };
}

function problem(json: Answer): string {
  return `${json.error?.code ?? 'error'}: ${json.error?.message ?? ''}`;
}

/** A "Delete" button for one conversation of the history list. */
export function conversationDeleteButton(deps: MyDataDeps, conversationId: string, item: HTMLElement): HTMLElement {
  const button = deps.el('button', { class: 'delete-conversation' }, 'Delete conversation');
  button.addEventListener('click', (event) => {
    event.preventDefault(); // inside the summary: deleting does not also unfold the conversation
    void postJson(deps, 'deleteConversation', { conversationId }).then(({ status, json }) => {
      if (status === 200)
        item.replaceWith(
          deps.el('div', { class: 'state deleted' }, `deleted ${String(json.deletedMessages)} messages`),
        );
      else button.after(deps.el('span', { class: 'state delete-failed' }, ` ${problem(json)}`));
    });
  });
  return button;
}

export async function deleteImage(deps: MyDataDeps, imageId: string): Promise<boolean> {
  const { status, json } = await postJson(deps, 'deleteImage', { imageId });
  deps.$('image-state').textContent = status === 200 ? 'image deleted (record and object)' : problem(json);
  if (status === 200) deps.$('image-result').replaceChildren();
  return status === 200;
}

async function exportData(deps: MyDataDeps): Promise<void> {
  deps.$('data-state').textContent = 'exporting…';
  const response = await deps.fetch('/fn/exportData', { headers: deps.authHeaders() });
  const text = await response.text();
  if (!response.ok) {
    deps.$('data-state').textContent = problem(JSON.parse(text) as Answer);
    return;
  }
  const data = JSON.parse(text) as {
    conversations: Array<{ messages: unknown[] }>;
    images: unknown[];
    complete?: boolean;
  };
  const messages = data.conversations.reduce((sum, conversation) => sum + conversation.messages.length, 0);
  deps.$('data-state').textContent =
    `export: ${data.conversations.length} conversations, ${messages} messages, ${data.images.length} images` +
    `${data.complete ? '' : ' (incomplete)'} · ${(text.length / 1024).toFixed(1)} KB`;
  const link = deps.el('a', { id: 'data-export-link', download: 'my-data.json' }, 'Download the export');
  (link as HTMLAnchorElement).href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  deps.$('data-download').replaceChildren(link);
}

async function deleteAccount(deps: MyDataDeps): Promise<void> {
  if (!confirm('Delete this account and everything stored about it? This cannot be undone.')) return;
  const { status, json } = await postJson(deps, 'deleteAccount', {});
  if (status !== 200) {
    deps.$('data-state').textContent =
      json.error?.code === 'requires_recent_login' ? 'Sign in again, then delete within 5 minutes.' : problem(json);
    return;
  }
  const deleted = json.deleted as Record<string, number>;
  deps.$('data-state').textContent = `account deleted: ${Object.entries(deleted)
    .map(([what, count]) => `${count} ${what}`)
    .join(', ')}`;
  deps.$('my-data').dataset.state = 'account-deleted';
  deps.signedOut();
}

export function wireMyData(deps: MyDataDeps, guard: (action: () => Promise<void>) => () => void): void {
  deps.$('data-export').addEventListener(
    'click',
    guard(() => exportData(deps)),
  );
  deps.$('account-delete').addEventListener(
    'click',
    guard(() => deleteAccount(deps)),
  );
}
