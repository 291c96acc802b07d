import { describe, expect, it } from 'vitest';
import { BoltMessageReader, frameMessage, ResetGate } from '../../../src/store/cypher/bolt-message-relay.js';

const chunk = (payload: Buffer) => Buffer.concat([Buffer.from([payload.length >> 8, payload.length & 0xff]), payload]);
const END = Buffer.alloc(2);

const RUN = Buffer.from([0xb3, 0x10, 0x81, 0x78, 0xa0, 0xa0]);
const PULL = Buffer.from([0xb1, 0x3f, 0xa0]);
const RESET = Buffer.from([0xb0, 0x0f]);
const BEGIN = Buffer.from([0xb1, 0x11, 0xa0]);
const SUCCESS = Buffer.from([0xb1, 0x70, 0xa0]);
const RECORD = Buffer.from([0xb1, 0x71, 0x90]);
const FAILURE = Buffer.from([0xb1, 0x7f, 0xa0]);
const IGNORED = Buffer.from([0xb0, 0x7e]);

describe('BoltMessageReader', () => {
  it('puts a message back together from its chunks, however the bytes are cut', () => {
    const message = Buffer.from(Array.from({ length: 3_000 }, (_, index) => index % 251));
    const wire = Buffer.concat([chunk(message.subarray(0, 1_400)), chunk(message.subarray(1_400, 2_800)), chunk(message.subarray(2_800)), END, chunk(PULL), END]);
    for (const cut of [1, 2, 3, 1_401, 1_402, 1_403, 2_806, wire.length - 1]) {
      const reader = new BoltMessageReader();
      const messages = [...reader.push(wire.subarray(0, cut)), ...reader.push(wire.subarray(cut))];
      expect(messages, `cut at ${cut}`).toEqual([message, PULL]);
    }
  });

  it('drops the empty chunks that keep a connection alive between messages', () => {
    const reader = new BoltMessageReader();
    expect(reader.push(Buffer.concat([END, END, chunk(RESET), END, END]))).toEqual([RESET]);
  });
});

describe('frameMessage', () => {
  it('writes one chunk up to 64 KB and more past it, then the end marker', () => {
    expect(frameMessage(PULL)).toEqual(Buffer.concat([chunk(PULL), END]));
    const large = Buffer.alloc(70_000, 7);
    const framed = frameMessage(large);
    expect(framed.readUInt16BE(0)).toBe(0xffff);
    expect(framed.readUInt16BE(2 + 0xffff)).toBe(70_000 - 0xffff);
    expect(new BoltMessageReader().push(framed)).toEqual([large]);
  });
});

describe('ResetGate', () => {
  it('passes pipelined requests straight on', () => {
    const gate = new ResetGate();
    expect(gate.fromClient(BEGIN)).toEqual([BEGIN]);
    expect(gate.fromClient(RUN)).toEqual([RUN]);
    expect(gate.fromClient(PULL)).toEqual([PULL]);
  });

  it('holds a RESET until the requests before it are answered, and what follows until the RESET is', () => {
    const gate = new ResetGate();
    gate.fromClient(RUN);
    gate.fromClient(PULL);
    expect(gate.fromClient(RESET)).toEqual([]);
    expect(gate.fromClient(BEGIN)).toEqual([]);
    expect(gate.fromServer(SUCCESS)).toEqual([]);
    expect(gate.fromServer(RECORD)).toEqual([]);
    expect(gate.fromServer(SUCCESS)).toEqual([RESET]);
    expect(gate.fromServer(SUCCESS)).toEqual([BEGIN]);
  });

  it('takes a FAILURE as everything answered: FalkorDB answers the PULL behind it only when the RESET comes', () => {
    const gate = new ResetGate();
    gate.fromClient(RUN);
    gate.fromClient(PULL);
    expect(gate.fromClient(RESET)).toEqual([]);
    expect(gate.fromServer(FAILURE)).toEqual([RESET]);
    expect(gate.fromClient(BEGIN)).toEqual([]);
    expect(gate.fromServer(IGNORED)).toEqual([]);
    expect(gate.fromServer(SUCCESS)).toEqual([BEGIN]);
  });

  it('sends a RESET at once on an idle connection', () => {
    const gate = new ResetGate();
    gate.fromClient(BEGIN);
    gate.fromServer(SUCCESS);
    expect(gate.fromClient(RESET)).toEqual([RESET]);
  });
});
