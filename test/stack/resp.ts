import net from 'net';

export type Reply = string | number | null | Reply[];

/** Encodes a command in RESP. */
function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** Parses one RESP reply from buf at offset; returns [reply, nextOffset] or null when incomplete. */
function parse(buf: Buffer, offset: number): [Reply, number] | null {
  const lineEnd = buf.indexOf('\r\n', offset);
  if (lineEnd === -1) return null;
  const type = String.fromCharCode(buf[offset]);
  const line = buf.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+': return [line, next];
    case '-': throw new Error(`redis: ${line}`);
    case ':': return [Number(line), next];
    case '$': {
      const len = Number(line);
      if (len === -1) return [null, next];
      if (buf.length < next + len + 2) return null;
      return [buf.toString('utf8', next, next + len), next + len + 2];
    }
    case '*': {
      const count = Number(line);
      if (count === -1) return [null, next];
      const items: Reply[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, pos);
        if (!item) return null;
        items.push(item[0]);
        pos = item[1];
      }
      return [items, pos];
    }
    default: throw new Error(`redis: unexpected reply type ${type}`);
  }
}

/** Sends one command to a Redis server and resolves with its reply. Test-stack helper only. */
export function redisCommand(port: number, args: string[], host = '127.0.0.1'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let buf = Buffer.alloc(0);
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const parsed = parse(buf, 0);
        if (parsed) { socket.end(); resolve(parsed[0]); }
      } catch (error) { socket.destroy(); reject(error); }
    });
    socket.write(encode(args));
  });
}

/** Every key of the Redis server with its value (strings only; other types are listed with their type). */
export async function redisDump(port: number, host = '127.0.0.1'): Promise<Array<{ key: string; value: string }>> {
  const cmd = (args: string[]) => redisCommand(port, args, host);
  const keys = (await cmd(['KEYS', '*'])) as string[];
  const out: Array<{ key: string; value: string }> = [];
  for (const key of keys) {
    const type = (await cmd(['TYPE', key])) as string;
    let value: Reply = `<${type}>`;
    if (type === 'string') value = await cmd(['GET', key]);
    else if (type === 'hash') value = await cmd(['HGETALL', key]);
    else if (type === 'set') value = await cmd(['SMEMBERS', key]);
    else if (type === 'list') value = await cmd(['LRANGE', key, '0', '-1']);
    else if (type === 'zset') value = await cmd(['ZRANGE', key, '0', '-1']);
    out.push({ key, value: JSON.stringify(value) });
  }
  return out;
}
