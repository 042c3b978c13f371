import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCSF_FLOW_FIELDS } from './toFlowLine';

/**
 * The flow-log lines an OCSF file's Network Activity records became, kept on disk (not in
 * memory: a day of Security Lake's VPC_FLOW is millions of records) until the file's other
 * records are read; then read back, after a header naming their fields, by the flow-log reader.
 */
export class FlowSpool {
  private fd: number | null = null;
  private dir: string | null = null;
  private pending: string[] = [];
  lines = 0;

  add(line: string): void {
    this.pending.push(line);
    this.lines += 1;
  }

  /** Writes what was added since the last flush (once per chunk of input). */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    if (this.fd === null) {
      this.dir = await mkdtemp(join(tmpdir(), 'trailhound-ocsf-flows-'));
      this.fd = openSync(join(this.dir, 'flows.log'), 'w');
      writeSync(this.fd, `${OCSF_FLOW_FIELDS.join(' ')}\n`);
    }
    writeSync(this.fd, `${this.pending.join('\n')}\n`);
    this.pending = [];
  }

  /** The spooled text, header first, in chunks. */
  async *read(): AsyncGenerator<Buffer> {
    await this.flush();
    if (this.fd === null || this.dir === null) return;
    closeSync(this.fd);
    this.fd = null;
    yield* createReadStream(join(this.dir, 'flows.log'), { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
  }

  async dispose(): Promise<void> {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
