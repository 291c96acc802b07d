/**
 * A Graph list response written as its pages arrive: `{"@odata.context":…,
 * "value":[…]}` streamed into `<file>.partial` and renamed into place only
 * once the last page is in, so a family that fails half-way leaves no file
 * that ingest would take for the whole family.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';

/** Items are written in chunks of about this many characters. */
const FLUSH_AT = 1 << 16;

export class JsonListFile {
  /** Items written so far. */
  count = 0;
  private chunks: string[] = [];
  private buffered = 0;

  private constructor(
    private readonly file: string,
    private readonly partial: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(file: string, context: string): Promise<JsonListFile> {
    const partial = `${file}.partial`;
    const handle = await open(partial, 'w');
    const list = new JsonListFile(file, partial, handle);
    list.push(`{"@odata.context":${JSON.stringify(context)},"value":[`);
    return list;
  }

  private push(text: string): void {
    this.chunks.push(text);
    this.buffered += text.length;
  }

  private async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.buffered = 0;
    await this.handle.write(text);
  }

  async append(items: readonly unknown[]): Promise<void> {
    for (const item of items) {
      this.push(`${this.count === 0 ? '' : ','}${JSON.stringify(item)}`);
      this.count += 1;
    }
    if (this.buffered >= FLUSH_AT) await this.flush();
  }

  /** Ends the list and puts the file in place. */
  async commit(): Promise<void> {
    this.push(']}\n');
    await this.flush();
    await this.handle.close();
    await rename(this.partial, this.file);
  }

  /** Drops what was written. */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.partial, { force: true });
  }
}
