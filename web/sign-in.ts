import { byId, field } from './dom.ts';
import type { HttpApi } from './http-api.ts';
import { Session } from './session.ts';

/** Shows the sign-in form until a user name gets a development token. */
export function signIn(api: HttpApi): Promise<Session> {
  const form = byId<HTMLFormElement>('sign-in');
  const error = form.querySelector<HTMLElement>('[data-role="error"]')!;
  form.hidden = false;
  field(form, 'user').focus();
  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      error.textContent = '';
      Session.signIn(api, field(form, 'user').value.trim()).then(
        (session) => {
          form.hidden = true;
          resolve(session);
        },
        (e: Error) => {
          error.textContent = e.message;
        },
      );
    });
  });
}
