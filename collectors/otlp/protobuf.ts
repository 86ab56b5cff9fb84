// A minimal protobuf wire-format reader and writer, enough for OTLP trace export requests
// (opentelemetry/proto/collector/trace/v1) and their responses. No code generation, no
// dependency: OTLP's messages are few and stable.

export class ProtoReader {
  pos = 0;
  constructor(private readonly buf: Uint8Array, private readonly end = buf.length) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  }

  uint32(): number {
    return Number(this.varint() & 0xffffffffn);
  }

  tag(): { field: number; wire: number } {
    const t = this.uint32();
    return { field: t >>> 3, wire: t & 7 };
  }

  bytes(): Uint8Array {
    const len = this.uint32();
    if (this.pos + len > this.end) throw new Error('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new Error('truncated fixed64');
    const v = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, 8).readBigUInt64LE(0);
    this.pos += 8;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new Error('truncated double');
    const v = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, 8).readDoubleLE(0);
    this.pos += 8;
    return v;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
    if (this.pos > this.end) throw new Error('truncated field');
  }

  /** A reader over a nested message. */
  sub(): ProtoReader {
    const b = this.bytes();
    return new ProtoReader(b);
  }
}

/** Iterates the fields of a message, calling `on` for each; unknown fields are skipped. */
export function readMessage(r: ProtoReader, on: (field: number, wire: number, r: ProtoReader) => boolean | void): void {
  while (!r.done) {
    const { field, wire } = r.tag();
    if (on(field, wire, r) !== true) r.skip(wire);
  }
}

function varintBytes(v: number | bigint): number[] {
  let n = BigInt(v);
  const out: number[] = [];
  while (n > 0x7fn) {
    out.push(Number((n & 0x7fn) | 0x80n));
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

export class ProtoWriter {
  private parts: number[] = [];
  varintField(field: number, v: number | bigint): this {
    this.parts.push(...varintBytes((field << 3) | 0), ...varintBytes(v));
    return this;
  }
  bytesField(field: number, b: Uint8Array): this {
    this.parts.push(...varintBytes((field << 3) | 2), ...varintBytes(b.length), ...b);
    return this;
  }
  stringField(field: number, s: string): this {
    return this.bytesField(field, Buffer.from(s, 'utf8'));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
