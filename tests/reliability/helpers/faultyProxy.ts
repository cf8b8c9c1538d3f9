/**
 * A misbehaving HTTP hop in front of a real ClickHouse: requests pass through untouched until a
 * fault is armed, then requests whose SQL matches `when` get the fault — the connection dropped
 * after the first bytes, a stall after the headers, garbage, a proxy's HTML error page, or an error
 * that echoes back everything the client sent (headers with credentials included).
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Fault = 'pass' | 'drop' | 'stall' | 'garbage' | 'html502' | 'echo';

export class FaultyProxy {
  fault: Fault = 'pass';
  /** Only requests whose SQL matches get the fault (the rest pass). */
  when: RegExp = /./;
  /** SQL text of every request seen, in order. */
  readonly seen: string[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    const sql = `${url.searchParams.get('query') ?? ''}${body.toString('utf8')}`;
    this.seen.push(sql);
    const fault = this.when.test(sql) ? this.fault : 'pass';
    switch (fault) {
      case 'garbage': {
        const junk = Buffer.alloc(4096);
        for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) & 0xff;
        res.writeHead(200, { 'Content-Type': 'text/plain', 'X-ClickHouse-Format': 'JSONEachRow' });
        res.end(junk);
        return;
      }
      case 'html502':
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.24.0</center></body></html>\n');
        return;
      case 'echo':
        res.writeHead(500, { 'Content-Type': 'text/plain', 'X-ClickHouse-Exception-Code': '1000' });
        res.end(`Code: 1000. DB::Exception: request was ${req.method} ${req.url} headers ${JSON.stringify(req.headers)} body ${body.toString('utf8')}. (POCO_EXCEPTION)\n`);
        return;
      default:
        this.forward(req, body, res, fault);
    }
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse, fault: Fault): void {
    const up = new URL(this.upstream);
    const out = request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: { ...req.headers, host: up.host } }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      if (fault === 'pass') {
        upRes.pipe(res);
        return;
      }
      upRes.once('data', (first: Buffer) => {
        upRes.pause();
        res.write(first.subarray(0, Math.max(1, first.length >> 1)));
        upRes.destroy();
        // 'drop': the connection dies mid-answer; 'stall': it stays open and silent.
        if (fault === 'drop') setTimeout(() => res.socket?.destroy(), 20);
      });
    });
    out.on('error', () => res.socket?.destroy());
    out.end(body);
  }
}
