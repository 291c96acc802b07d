/**
 * A loopback relay between neo4j-driver and FalkorDB's Bolt endpoint that
 * hands the server each Bolt message in one write.
 *
 * Why it exists (FalkorDB 4.16.3, measured): its Bolt reader reads the next
 * chunk header before checking that the bytes have arrived, so a message
 * whose chunks arrive in separate socket reads is mis-parsed — the
 * connection hangs or the server crashes. neo4j-driver cuts every message
 * into 1,400-byte chunks and writes each one separately, so any statement
 * over ~1.4 KB fails. The same message written at once, as one chunk, is
 * read correctly; one of more than a 64 KB chunk still hangs the server, so
 * bolt-transport.ts keeps statements under that.
 *
 * Two more of its faults are kept away from it:
 * - GOODBYE becomes closing the connection: after a GOODBYE, FalkorDB frees
 *   the client but leaves its socket in the event loop, and the next
 *   connection to the server is never answered. A plain close is what
 *   GOODBYE announces anyway.
 * - RESET waits until the server has answered what came before it, and
 *   nothing follows it until it is answered: a RESET that arrives while
 *   FalkorDB still works on a request, or a request that arrives while it
 *   answers a RESET, is never answered and the connection is dead
 *   (neo4j-driver sends a RESET as soon as a statement fails). After a
 *   FAILURE, FalkorDB leaves the PULL that came with the statement
 *   unanswered until the RESET (then IGNORED), so a FAILURE counts as
 *   everything answered.
 *
 * Otherwise the bytes pass through: the handshake, every other message, and
 * every server reply.
 */
import net from 'node:net';
import tls from 'node:tls';

/** Magic preamble plus four proposed versions. */
const HANDSHAKE_BYTES = 20;
const MAX_CHUNK = 0xffff;
const STRUCT_NO_FIELDS = 0xb0;
const GOODBYE = 0x02;
const RESET = 0x0f;
const SUCCESS = 0x70;
const FAILURE = 0x7f;

export interface RelayTarget {
  host: string;
  port: number;
  tls: boolean;
  /** TLS: accept a self-signed certificate (`+ssc` addresses). */
  trustAnyCertificate?: boolean;
}

/** One complete message, re-chunked for the wire: chunks of at most 64 KB, then the 00 00 end marker. */
export function frameMessage(message: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < message.length; offset += MAX_CHUNK) {
    const chunk = message.subarray(offset, offset + MAX_CHUNK);
    const header = Buffer.alloc(2);
    header.writeUInt16BE(chunk.length);
    parts.push(header, chunk);
  }
  parts.push(Buffer.alloc(2));
  return Buffer.concat(parts);
}

/**
 * Reassembles a client's chunked Bolt stream (after the handshake) into whole
 * messages. Empty chunks between messages are Bolt's keep-alive NOOPs and
 * are dropped.
 */
export class BoltMessageReader {
  private pending: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];

  /** Takes bytes as they arrive and returns the messages they complete. */
  push(bytes: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    const messages: Buffer[] = [];
    let offset = 0;
    while (this.pending.length - offset >= 2) {
      const size = this.pending.readUInt16BE(offset);
      if (size === 0) {
        offset += 2;
        if (this.parts.length > 0) messages.push(Buffer.concat(this.parts));
        this.parts = [];
        continue;
      }
      if (this.pending.length - offset - 2 < size) break;
      this.parts.push(this.pending.subarray(offset + 2, offset + 2 + size));
      offset += 2 + size;
    }
    this.pending = this.pending.subarray(offset);
    return messages;
  }
}

const signature = (message: Buffer) => message[1];
const isGoodbye = (message: Buffer) => message.length === 2 && message[0] === STRUCT_NO_FIELDS && signature(message) === GOODBYE;
const isReset = (message: Buffer) => message.length === 2 && message[0] === STRUCT_NO_FIELDS && signature(message) === RESET;

/**
 * Keeps RESET apart from other work: a RESET waits until the server has
 * answered every request before it, and nothing goes after a RESET until
 * it is answered. Everything else is pipelined as the client sends it.
 */
export class ResetGate {
  private unanswered = 0;
  private resetOpen = false;
  private held: Buffer[] = [];

  /** The client's next message; returns the messages to send on now. */
  fromClient(message: Buffer): Buffer[] {
    this.held.push(message);
    return this.release();
  }

  /** The server's next message; returns held messages that may go now. */
  fromServer(message: Buffer): Buffer[] {
    const kind = signature(message);
    // IGNORED comes only with the answer to a RESET, for the PULL a FAILURE left unanswered; it settles nothing new.
    if (kind === FAILURE) this.unanswered = 0;
    else if (kind === SUCCESS) this.unanswered = Math.max(0, this.unanswered - 1);
    if (this.unanswered === 0) this.resetOpen = false;
    return this.release();
  }

  private release(): Buffer[] {
    const ready: Buffer[] = [];
    while (this.held.length > 0) {
      const next = this.held[0]!;
      const reset = isReset(next);
      if (reset ? this.unanswered > 0 : this.resetOpen) break;
      this.held.shift();
      this.unanswered += 1;
      this.resetOpen = reset;
      ready.push(next);
    }
    return ready;
  }
}

export class BoltMessageRelay {
  /** The last failure to reach the server, so a refused connection can be reported as such rather than as a closed one. */
  lastUpstreamError: NodeJS.ErrnoException | undefined;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly target: RelayTarget,
  ) {}

  /** Listens on a free loopback port; connects to the target once per client connection. */
  static async start(target: RelayTarget): Promise<BoltMessageRelay> {
    const server = net.createServer();
    const relay = new BoltMessageRelay(server, target);
    server.on('connection', (client) => relay.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return relay;
  }

  /** Where the driver connects: `bolt://127.0.0.1:<port>`. */
  get uri(): string {
    return `bolt://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  private connectUpstream(): net.Socket {
    const { host, port } = this.target;
    return this.target.tls
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: !this.target.trustAnyCertificate })
      : net.connect({ host, port });
  }

  private accept(client: net.Socket): void {
    const upstream = this.connectUpstream();
    this.sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const reader = new BoltMessageReader();
    const replies = new BoltMessageReader();
    const gate = new ResetGate();
    let handshake: Buffer = Buffer.alloc(0);
    let versionReply = 4;
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      this.lastUpstreamError = error;
      close();
    });
    client.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    // Replies pass through as they come (with backpressure); the gate only watches them.
    upstream.pipe(client);
    upstream.on('data', (bytes: Buffer) => {
      if (versionReply > 0) {
        const skipped = Math.min(versionReply, bytes.length);
        versionReply -= skipped;
        bytes = bytes.subarray(skipped);
      }
      for (const reply of replies.push(bytes)) for (const message of gate.fromServer(reply)) upstream.write(frameMessage(message));
    });
    client.on('data', (bytes: Buffer) => {
      if (handshake.length < HANDSHAKE_BYTES) {
        handshake = Buffer.concat([handshake, bytes]);
        if (handshake.length < HANDSHAKE_BYTES) return;
        upstream.write(handshake.subarray(0, HANDSHAKE_BYTES));
        bytes = handshake.subarray(HANDSHAKE_BYTES);
      }
      for (const message of reader.push(bytes)) {
        if (isGoodbye(message)) {
          close();
          return;
        }
        for (const ready of gate.fromClient(message)) upstream.write(frameMessage(ready));
      }
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
