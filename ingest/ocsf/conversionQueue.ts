import { UnreadableParquet } from '../vpcflow/parquet';
import type { ToConverter } from './converter';

/** What the conversion thread tells its reader about one file. */
export type ConversionReport<Batch> =
  | { readonly type: 'batch'; readonly id: number; readonly out: Batch }
  | { readonly type: 'end'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly unreadable: boolean };

interface QueuedFile {
  readonly id: number;
  readonly path: string;
  credit: number;
  cancelled: boolean;
}

/**
 * The conversion thread's files, converted one at a time in the order asked. Credit and cancel
 * are kept with the file they name, also while it waits behind another: a reader that stops a
 * file half read asks for the next one (and gives it credit) before the thread has seen the stop,
 * and a credit dropped then left the next file waiting for credit that had already come.
 */
export class ConversionQueue<Batch> {
  private readonly files: QueuedFile[] = [];
  private wake: (() => void) | null = null;

  constructor(
    private readonly batches: (path: string) => AsyncIterable<Batch>,
    private readonly report: (message: ConversionReport<Batch>) => void,
  ) {}

  receive(message: ToConverter): void {
    if (message.type === 'file') {
      this.files.push({ id: message.id, path: message.path, credit: 0, cancelled: false });
      if (this.files.length === 1) void this.drain();
      return;
    }
    const file = this.files.find((f) => f.id === message.id);
    if (!file) return;
    if (message.type === 'credit') file.credit += message.credit;
    else file.cancelled = true;
    this.wake?.();
  }

  /** Files still to finish, the one being converted included. */
  get pending(): number {
    return this.files.length;
  }

  private async drain(): Promise<void> {
    while (this.files.length > 0) {
      const file = this.files[0]!;
      if (!file.cancelled) await this.convert(file);
      this.files.shift();
    }
  }

  private async convert(file: QueuedFile): Promise<void> {
    try {
      for await (const out of this.batches(file.path)) {
        while (file.credit <= 0 && !file.cancelled) await new Promise<void>((resolve) => (this.wake = resolve));
        if (file.cancelled) return;
        file.credit -= 1;
        this.report({ type: 'batch', id: file.id, out });
      }
      this.report({ type: 'end', id: file.id });
    } catch (error) {
      this.report({ type: 'error', id: file.id, message: error instanceof Error ? error.message : String(error), unreadable: error instanceof UnreadableParquet });
    }
  }
}
