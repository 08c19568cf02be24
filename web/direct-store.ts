import type { ChatLine, ChatModel } from './chat-model.ts';
import { storeForTab } from './tab-storage.ts';

/** Lines kept per direct conversation. */
const keptLines = 200;
/** Saves wait this long for more changes, so a burst of frames is one write. */
const saveDelayMs = 300;

/**
 * Keeps direct conversations across reloads of the tab, in `sessionStorage`. The server has no
 * direct-message history (the inbox empties as the SDK acknowledges), so without this a reload
 * would show empty direct conversations. Room lines are not kept: `history` has them.
 */
export function keepDirectConversations(model: ChatModel): void {
  const key = `wavelet.direct.${model.me}`;
  try {
    const saved = JSON.parse(sessionStorage.getItem(key) ?? '{}') as Record<string, ChatLine[]>;
    for (const [peer, lines] of Object.entries(saved)) {
      const c = model.get('dm', peer);
      for (const line of Array.isArray(lines) ? lines : []) c.add(line);
    }
  } catch {
    sessionStorage.removeItem(key);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    const saved = Object.fromEntries(
      model.list('dm').map((c) => [c.id, c.lines.filter((l) => !l.pending).slice(-keptLines)]),
    );
    storeForTab(key, saved);
  };
  model.onChange(() => {
    clearTimeout(timer);
    timer = setTimeout(save, saveDelayMs);
  });
  // A reload within the delay must not lose what the SDK has already acknowledged.
  addEventListener('pagehide', () => {
    if (timer !== undefined) save();
  });
}
