/**
 * Writes `value` as JSON to the tab's `sessionStorage`. A full or refused storage is not an
 * error: this load still knows what it wrote, only a reload would not.
 */
export function storeForTab(key: string, value: unknown): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Full or refused: kept in memory for this load only.
  }
}
