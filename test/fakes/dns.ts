import { createSocket } from 'node:dgram';

/**
 * A tiny authoritative DNS server on loopback UDP that answers TXT questions from a map, so the
 * domain check runs against real DNS packets. Unknown names get NXDOMAIN; other types NOERROR/empty.
 */
export async function startFakeDns(records: Record<string, string[]>) {
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const { name, type, end } = readQuestion(msg);
    const answers = type === 16 ? records[name.toLowerCase()] ?? null : [];
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8400 | (answers === null ? 3 : 0), 2); // response, authoritative, rcode
    header.writeUInt16BE(1, 4); // questions
    header.writeUInt16BE(answers?.length ?? 0, 6);
    const question = msg.subarray(12, end);
    const rrs = (answers ?? []).map((text) => {
      const strings = (text.match(/.{1,255}/g) ?? ['']).map((s) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]));
      const rdata = Buffer.concat(strings);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
      rr.writeUInt16BE(16, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    socket.send(Buffer.concat([header, question, ...rrs]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return { server: `127.0.0.1:${port}`, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

function readQuestion(msg: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let i = 12;
  while (msg[i]! > 0) {
    const len = msg[i]!;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString());
    i += len + 1;
  }
  const type = msg.readUInt16BE(i + 1);
  return { name: labels.join('.'), type, end: i + 5 };
}
