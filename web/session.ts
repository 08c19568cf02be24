import { rolesOf } from './chat-moderation.ts';
import type { HttpApi } from './http-api.ts';

/** Renew the development token this long before it expires. */
const renewMarginMs = 5 * 60_000;
/** Per tab, so two tabs can be two users. */
const storageKey = 'wavelet.session';

interface Stored {
  readonly user: string;
  readonly token: string;
  readonly expiresAt: number;
}

/**
 * Who is signed in, with a development token from the local runtime's `POST /dev/token`,
 * renewed before it expires. Kept in `sessionStorage`, so a reload stays signed in.
 */
export class Session {
  private constructor(
    private readonly api: HttpApi,
    private stored: Stored,
  ) {}

  /** Signs in as `user` (any name: the local runtime issues development tokens to anyone). */
  static async signIn(api: HttpApi, user: string): Promise<Session> {
    const { token, expiresAt, user: signedIn } = await api.devToken(user);
    const session = new Session(api, { user: signedIn, token, expiresAt });
    session.save();
    return session;
  }

  /** The session of an earlier load of this tab, if any. */
  static restore(api: HttpApi): Session | undefined {
    try {
      const raw = sessionStorage.getItem(storageKey);
      const stored = raw ? (JSON.parse(raw) as Partial<Stored>) : undefined;
      if (typeof stored?.user !== 'string' || typeof stored.token !== 'string') return undefined;
      return new Session(api, {
        user: stored.user,
        token: stored.token,
        expiresAt: Number(stored.expiresAt),
      });
    } catch {
      return undefined;
    }
  }

  get user(): string {
    return this.stored.user;
  }

  /** The roles the signed-in token carries (a development token carries none). */
  get roles(): string[] {
    return rolesOf(this.stored.token);
  }

  /** A token valid for a while yet. */
  async token(): Promise<string> {
    if (!(this.stored.expiresAt - renewMarginMs > Date.now())) {
      const { token, expiresAt } = await this.api.devToken(this.stored.user);
      this.stored = { ...this.stored, token, expiresAt };
      this.save();
    }
    return this.stored.token;
  }

  /** A fresh single-use WebSocket ticket: the SDK asks for one before every (re)connect. */
  async ticket(): Promise<string> {
    return this.api.ticket(await this.token());
  }

  /** Forgets the session and what the tab kept for it. */
  signOut(): void {
    sessionStorage.clear();
  }

  private save(): void {
    sessionStorage.setItem(storageKey, JSON.stringify(this.stored));
  }
}
