/**
 * A minimal RESP2 client (the Redis protocol FalkorDB speaks natively): one
 * socket, commands pipelined in order, replies parsed incrementally so a
 * large result does not get re-parsed as it arrives.
 */
import net from 'node:net';
import tls from 'node:tls';

export type RespValue = string | number | null | RespValue[] | RespError;

/** An error reply (`-ERR …`). */
export class RespError {
  constructor(readonly message: string) {}
}

/** The socket failed or closed; `code` is the system error code when there is one (ECONNREFUSED…). */
export class RespConnectionError extends Error {
  override readonly name = 'RespConnectionError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface Frame {
  items: RespValue[];
  remaining: number;
}

const CRLF = 0x0d;

/** Turns a byte stream into complete top-level replies. */
export class RespParser {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;
  private readonly stack: Frame[] = [];
  /** Chunks held back while a bulk string of known length is still arriving. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private needed = 0;

  feed(chunk: Buffer): RespValue[] {
    if (this.needed > 0 && this.buffer.length - this.offset + this.pendingLength + chunk.length < this.needed) {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      return [];
    }
    const parts = [this.buffer.subarray(this.offset), ...this.pending, chunk];
    this.buffer = parts.length === 1 ? chunk : Buffer.concat(parts);
    this.offset = 0;
    this.pending = [];
    this.pendingLength = 0;
    this.needed = 0;
    const replies: RespValue[] = [];
    for (;;) {
      const parsed = this.next();
      if (parsed === undefined) break;
      let value = parsed;
      // Attach to the arrays being filled, closing each that becomes complete.
      for (;;) {
        const top = this.stack[this.stack.length - 1];
        if (!top) {
          replies.push(value);
          break;
        }
        top.items.push(value);
        top.remaining -= 1;
        if (top.remaining > 0) break;
        this.stack.pop();
        value = top.items;
      }
    }
    return replies;
  }

  /** The next complete value or array header (an opened frame returns nothing and loops), or undefined when more bytes are needed. */
  private next(): RespValue | undefined {
    for (;;) {
      const lineEnd = this.buffer.indexOf(CRLF, this.offset);
      if (lineEnd < 0 || lineEnd + 1 >= this.buffer.length) return undefined;
      const type = String.fromCharCode(this.buffer[this.offset]!);
      const line = this.buffer.toString('utf8', this.offset + 1, lineEnd);
      const afterLine = lineEnd + 2;
      switch (type) {
        case '+':
          this.offset = afterLine;
          return line;
        case '-':
          this.offset = afterLine;
          return new RespError(line);
        case ':':
          this.offset = afterLine;
          return Number(line);
        case '$': {
          const length = Number(line);
          if (length < 0) {
            this.offset = afterLine;
            return null;
          }
          if (this.buffer.length < afterLine + length + 2) {
            this.needed = afterLine + length + 2 - this.offset;
            return undefined;
          }
          this.offset = afterLine + length + 2;
          return this.buffer.toString('utf8', afterLine, afterLine + length);
        }
        case '*': {
          const count = Number(line);
          this.offset = afterLine;
          if (count < 0) return null;
          if (count === 0) return [];
          this.stack.push({ items: [], remaining: count });
          continue;
        }
        default:
          throw new RespConnectionError(`unexpected reply byte ${JSON.stringify(type)} from the server`, 'EPROTO');
      }
    }
  }
}

export interface RespOptions {
  host: string;
  port: number;
  tls: boolean;
  username?: string | undefined;
  password?: string | undefined;
  connectTimeoutMs?: number;
}

function encode(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(arg, 'utf8');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** One connection; reconnects on the next command after it was lost. */
export class RespConnection {
  private socket: net.Socket | undefined;
  private connecting: Promise<net.Socket> | undefined;
  /** Callers waiting for replies, per socket (replies come back in order). */
  private readonly waiting = new WeakMap<net.Socket, Array<{ resolve: (value: RespValue) => void; reject: (error: Error) => void }>>();
  private closed = false;

  constructor(private readonly options: RespOptions) {}

  /** Sends a command; an error reply rejects with RespError's message in an Error. */
  async command(args: readonly string[]): Promise<RespValue> {
    const socket = await this.connect();
    return this.send(socket, args);
  }

  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket ?? (await this.connecting?.catch(() => undefined));
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end(encode(['QUIT']));
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  /** Drops the connection now, failing whatever still waits for a reply. */
  destroy(): void {
    this.closed = true;
    this.socket?.destroy();
  }

  private send(socket: net.Socket, args: readonly string[]): Promise<RespValue> {
    return new Promise<RespValue>((resolve, reject) => {
      const queue = this.waiting.get(socket);
      if (!queue || socket.destroyed) {
        reject(new RespConnectionError('the connection was closed', 'ECONNRESET'));
        return;
      }
      queue.push({ resolve, reject });
      socket.write(encode(args));
    });
  }

  private connect(): Promise<net.Socket> {
    if (this.closed) return Promise.reject(new RespConnectionError('the connection was closed', 'ECLOSED'));
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    // FalkorDB 4.16 leaves a socket registered after a Bolt client's GOODBYE, and the next connection to the server
    // gets no answer until it closes; so a first attempt that hears nothing is dropped and tried once more.
    this.connecting ??= this.open(Math.min(3_000, this.options.connectTimeoutMs ?? 3_000))
      .catch((error: unknown) => {
        if (error instanceof RespConnectionError && error.code === 'ETIMEDOUT' && !this.closed) return this.open(this.options.connectTimeoutMs ?? 10_000);
        throw error;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  private open(timeoutMs: number): Promise<net.Socket> {
    const { host, port } = this.options;
    return new Promise<net.Socket>((resolve, reject) => {
      const socket = this.options.tls ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
      const parser = new RespParser();
      const queue: Array<{ resolve: (value: RespValue) => void; reject: (error: Error) => void }> = [];
      this.waiting.set(socket, queue);
      const timeout = setTimeout(() => socket.destroy(new RespConnectionError(`no answer within ${timeoutMs} ms`, 'ETIMEDOUT')), timeoutMs);
      const failPending = (error: Error) => {
        for (const waiter of queue.splice(0)) waiter.reject(error);
      };
      socket.on('data', (chunk: Buffer) => {
        let replies: RespValue[];
        try {
          replies = parser.feed(chunk);
        } catch (error) {
          socket.destroy(error as Error);
          return;
        }
        for (const reply of replies) {
          const waiter = queue.shift();
          if (!waiter) continue;
          if (reply instanceof RespError) waiter.reject(new Error(reply.message));
          else waiter.resolve(reply);
        }
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timeout);
        const wrapped = error instanceof RespConnectionError ? error : new RespConnectionError(error.message, error.code);
        failPending(wrapped);
        reject(wrapped);
      });
      socket.on('close', () => {
        clearTimeout(timeout);
        if (this.socket === socket) this.socket = undefined;
        failPending(new RespConnectionError('the server closed the connection', 'ECONNRESET'));
        reject(new RespConnectionError('the server closed the connection', 'ECONNRESET'));
      });
      socket.once(this.options.tls ? 'secureConnect' : 'connect', () => {
        socket.setNoDelay(true);
        const { username, password } = this.options;
        const hello = password !== undefined ? this.send(socket, username ? ['AUTH', username, password] : ['AUTH', password]) : Promise.resolve('OK');
        hello
          .then(() => this.send(socket, ['PING']))
          .then(() => {
            clearTimeout(timeout);
            this.socket = socket;
            resolve(socket);
          })
          .catch((error: Error) => {
            clearTimeout(timeout);
            reject(error);
            socket.destroy();
          });
      });
    });
  }
}
