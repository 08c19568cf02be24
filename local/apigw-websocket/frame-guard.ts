import type { Duplex } from 'node:stream';

/**
 * Watches the frames a client sends and calls `onTooBig` at the header of a data frame whose
 * payload is over `frameBytes`. API Gateway bounds each frame at 32 KB and a whole (possibly
 * fragmented) message at 128 KB; `ws` can bound only the message (`maxPayload`), so the frame
 * bound is read here from the raw bytes. Attach before `ws` takes the socket, so the check runs
 * before `ws` parses the same chunk.
 */
export function guardFrameSize(socket: Duplex, frameBytes: number, onTooBig: () => void): void {
  let header: Buffer = Buffer.alloc(0);
  let skip = 0;
  let tripped = false;
  socket.on('data', (chunk: Buffer) => {
    let data = chunk;
    while (!tripped && data.length > 0) {
      if (skip > 0) {
        const n = Math.min(skip, data.length);
        skip -= n;
        data = data.subarray(n);
        continue;
      }
      header = header.length === 0 ? data : Buffer.concat([header, data]);
      const parsed = parseHeader(header);
      if (!parsed) {
        header = Buffer.from(header);
        return;
      }
      data = header.subarray(parsed.headerBytes);
      header = Buffer.alloc(0);
      if (parsed.opcode < 0x8 && parsed.payloadBytes > frameBytes) {
        tripped = true;
        onTooBig();
        return;
      }
      skip = parsed.payloadBytes;
    }
  });
}

interface FrameHeader {
  readonly opcode: number;
  readonly headerBytes: number;
  readonly payloadBytes: number;
}

// RFC 6455 §5.2: 2 bytes, then a 16- or 64-bit length, then the 4-byte mask of client frames.
function parseHeader(bytes: Buffer): FrameHeader | undefined {
  if (bytes.length < 2) return undefined;
  const opcode = bytes[0]! & 0x0f;
  const masked = (bytes[1]! & 0x80) !== 0;
  const length7 = bytes[1]! & 0x7f;
  const lengthBytes = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
  const headerBytes = 2 + lengthBytes + (masked ? 4 : 0);
  if (bytes.length < headerBytes) return undefined;
  let payloadBytes = length7;
  if (length7 === 126) payloadBytes = bytes.readUInt16BE(2);
  else if (length7 === 127) payloadBytes = Number(bytes.readBigUInt64BE(2));
  return { opcode, headerBytes, payloadBytes };
}
