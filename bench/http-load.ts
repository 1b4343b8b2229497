// A lean HTTP/1.1 load generator, like wrk: keep-alive connections over raw sockets, each sending a
// prepared request as soon as the previous answer is complete. Node's own http client costs about as
// much CPU per request as the server it measures; on a 2-core machine it took the cores the server
// needed, so the benchmark measured the client. Answers are checked: status 200 and a complete body.
import { connect, type Socket } from 'node:net';

export interface LoadResult {
  /** Answered requests per second. */
  rate: number;
  /** Per request, in ms. */
  latencies: number[];
}

/** POSTs `bodies` (round robin) to `url` over `connections` keep-alive connections for `seconds`. */
export async function postLoad(url: string, bodies: string[], connections: number, seconds: number): Promise<LoadResult> {
  const u = new URL(url);
  const requests = bodies.map((b) => Buffer.from(
    `POST ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`,
  ));
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let next = 0;
  const one = () => new Promise<void>((resolve, reject) => {
    const socket: Socket = connect(Number(u.port), u.hostname);
    socket.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let sent = 0;
    const send = () => {
      sent = performance.now();
      socket.write(requests[next++ % requests.length]);
    };
    socket.on('connect', send);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) return;
        const header = buf.toString('latin1', 0, head);
        const length = /\r\ncontent-length: *(\d+)/i.exec(header);
        if (!length) return reject(new Error(`no content-length in ${JSON.stringify(header)}`));
        const total = head + 4 + Number(length[1]);
        if (buf.length < total) return;
        if (!header.startsWith('HTTP/1.1 200')) return reject(new Error(`answer ${header.split('\r\n')[0]}: ${buf.toString('utf8', head + 4, total)}`));
        buf = buf.subarray(total);
        latencies.push(performance.now() - sent);
        if (performance.now() < end) send();
        else {
          socket.end();
          return resolve();
        }
      }
    });
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, one));
  return { rate: latencies.length / ((performance.now() - started) / 1000), latencies };
}
