import type { FileRef } from '../protocol/server-frames.ts';

/**
 * The files of messages, read with `GET /files/{id}` and the user's token: the 302 leads to a
 * presigned URL (the bucket allows the page's origin), and the bytes become a blob URL, because
 * an `<img>` or a link cannot send the Authorization header. Images load once when first shown;
 * other files when their link is clicked.
 */
export class Attachments {
  private readonly urls = new Map<string, string>();
  private readonly failed = new Set<string>();
  private readonly loading = new Set<string>();
  /** Every file drawn, so that a click on its link (which names only its id) finds it. */
  private readonly known = new Map<string, FileRef>();

  constructor(
    private readonly token: () => Promise<string>,
    /** Called when an image has loaded (or failed), so the view draws it. */
    private readonly loaded: () => void,
    private readonly base = '',
  ) {}

  /** The image's blob URL once loaded; the first call starts loading it. Undefined meanwhile or on failure. */
  imageUrl(file: FileRef): string | undefined {
    this.know(file);
    const url = this.urls.get(file.id);
    if (url || this.failed.has(file.id) || this.loading.has(file.id)) return url;
    this.loading.add(file.id);
    this.blobUrl(file)
      .catch(() => {
        this.failed.add(file.id);
      })
      .finally(() => {
        this.loading.delete(file.id);
        this.loaded();
      });
    return undefined;
  }

  /** An image that could not be loaded shows as a link instead. */
  hasFailed(file: FileRef): boolean {
    return this.failed.has(file.id);
  }

  know(file: FileRef): void {
    this.known.set(file.id, file);
  }

  /** Fetches a file drawn on the page and hands it to the browser as a download under its name. */
  async download(id: string): Promise<void> {
    const file = this.known.get(id);
    if (!file) return;
    const link = document.createElement('a');
    link.href = await this.blobUrl(file);
    link.download = file.name;
    link.click();
  }

  private async blobUrl(file: FileRef): Promise<string> {
    const known = this.urls.get(file.id);
    if (known) return known;
    const response = await fetch(`${this.base}/files/${encodeURIComponent(file.id)}`, {
      headers: { authorization: `Bearer ${await this.token()}` },
    });
    if (!response.ok) throw new Error(`${file.name}: ${response.status}`);
    const url = URL.createObjectURL(await response.blob());
    this.urls.set(file.id, url);
    return url;
  }
}

/** A file size as people read it: `512 B`, `12.3 KB`, `4.1 MB`. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
