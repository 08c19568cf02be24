import { WaveletClient } from '../client/index.ts';
import { Attachments } from './attachments.ts';
import { bindActions } from './chat-actions.ts';
import { ChatApp } from './chat-app.ts';
import { ChatModel } from './chat-model.ts';
import { ChatView } from './chat-view.ts';
import { keepDirectConversations } from './direct-store.ts';
import { byId } from './dom.ts';
import { HttpApi } from './http-api.ts';
import { Session } from './session.ts';
import { signIn } from './sign-in.ts';

/**
 * The chat page: sign in with a name (a development token from the local runtime), then one
 * WebSocket through the SDK, which fetches a fresh ticket with `POST /tickets` before every
 * (re)connect.
 */
async function main(): Promise<void> {
  byId('boot').hidden = true;
  const notice = byId('notice');
  const notify = (text: string) => {
    notice.textContent = text;
  };
  const api = new HttpApi();
  const config = await api.config();
  const session = Session.restore(api) ?? (await signIn(api));
  byId('me').textContent = session.user;
  byId('connection').hidden = false;

  const client = new WaveletClient({
    url: config.websocket,
    ticket: () => session.ticket(),
    // Uploads (`client.upload`) go to the HTTP API, which serves the page, with the user's token.
    httpUrl: location.origin,
    token: () => session.token(),
    userId: session.user,
    device: 'web',
    // Snappy enough for a person watching the page; the SDK adds full jitter.
    reconnect: { initialDelayMs: 250, maxDelayMs: 5000 },
  });
  const model = new ChatModel(session.user);
  model.admin = session.roles.includes('admin');
  keepDirectConversations(model);
  const app = new ChatApp(client, model, session, api, notify);
  const attachments = new Attachments(
    () => session.token(),
    () => model.changed(),
  );
  new ChatView(
    model,
    (c) => {
      notify('');
      app.open(c).catch((e: Error) => notify(e.message));
    },
    attachments,
  ).render();
  bindActions(app, session, api, notify, attachments);
  byId('chat').hidden = false;
  await app.start();
}

main().catch((error: Error) => {
  const notice = document.getElementById('notice');
  if (notice) notice.textContent = `The page could not start: ${error.message}`;
});
