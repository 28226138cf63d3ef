import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';

/**
 * PGlite lets anyone in whatever the password, so a test of a wrong password needs a server that
 * checks one. This gate is that server's front door: it speaks the real Postgres startup and
 * SCRAM-SHA-256 exchange (what a stock Postgres 14+ asks for), answers a wrong password with the
 * ErrorResponse a real server sends (FATAL, SQLSTATE 28P01), and once a client has proved the
 * password it replays the client's own startup message to the Postgres behind it and joins the
 * two sockets, so everything after login is that server's real protocol.
 */
export interface PasswordGate {
  /** postgres://USER:PASSWORD@127.0.0.1:PORT/DATABASE through the gate. */
  url(password: string): string;
  /** How many logins the gate refused. */
  readonly refused: number;
  close(): Promise<void>;
}

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const ITERATIONS = 4096;

export async function startPasswordGate(opts: {
  /** host:port of the Postgres behind the gate (it must accept the login without a password). */
  backend: string;
  user: string;
  password: string;
  database?: string;
}): Promise<PasswordGate> {
  const [backendHost, backendPort] = splitHostPort(opts.backend);
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(opts.password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256');
  const storedKey = sha256(hmac(salted, 'Client Key'));
  const serverKey = hmac(salted, 'Server Key');
  const sockets = new Set<net.Socket>();
  let refused = 0;

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let buffered = Buffer.alloc(0);
    let startup: Buffer | null = null;
    let user = '';
    let clientFirstBare = '';
    let serverFirst = '';
    let nonce = '';
    let stage: 'startup' | 'sasl-initial' | 'sasl-final' | 'joined' = 'startup';

    const refuse = (sqlstate: string, message: string) => {
      refused++;
      client.end(errorResponse(sqlstate, message));
    };

    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (stage === 'joined') return;
        if (stage === 'startup') {
          if (buffered.length < 4) return;
          const len = buffered.readInt32BE(0);
          if (buffered.length < len) return;
          const msg = buffered.subarray(0, len);
          buffered = buffered.subarray(len);
          const code = msg.readInt32BE(4);
          if (code === SSL_REQUEST || code === GSS_REQUEST) {
            client.write('N');
            continue;
          }
          if (code !== PROTOCOL_3) return void client.destroy();
          startup = Buffer.from(msg);
          user = startupParams(msg).user ?? '';
          client.write(authentication(10, Buffer.from('SCRAM-SHA-256\0\0')));
          stage = 'sasl-initial';
          continue;
        }
        if (buffered.length < 5) return;
        const len = buffered.readInt32BE(1);
        if (buffered.length < len + 1) return;
        const body = buffered.subarray(5, len + 1);
        buffered = buffered.subarray(len + 1);
        if (stage === 'sasl-initial') {
          const mechanismEnd = body.indexOf(0);
          const data = body.subarray(mechanismEnd + 5).toString('utf8');
          // gs2 header "n,," then the bare message "n=,r=CLIENT_NONCE".
          clientFirstBare = data.slice(data.indexOf(',', data.indexOf(',') + 1) + 1);
          const clientNonce = /(?:^|,)r=([^,]+)/.exec(clientFirstBare)?.[1] ?? '';
          nonce = clientNonce + randomBytes(18).toString('base64');
          serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${ITERATIONS}`;
          client.write(authentication(11, Buffer.from(serverFirst)));
          stage = 'sasl-final';
          continue;
        }
        const clientFinal = body.toString('utf8');
        const proofAt = clientFinal.lastIndexOf(',p=');
        const withoutProof = clientFinal.slice(0, proofAt);
        const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
        const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
        const signature = hmac(storedKey, authMessage);
        const clientKey = proof.length === signature.length ? xor(proof, signature) : Buffer.alloc(32);
        const nonceOk = /(?:^|,)r=([^,]+)/.exec(withoutProof)?.[1] === nonce;
        if (user !== opts.user || !nonceOk || !timingSafeEqual(sha256(clientKey), storedKey))
          return refuse('28P01', `password authentication failed for user "${user}"`);
        client.write(authentication(12, Buffer.from(`v=${hmac(serverKey, authMessage).toString('base64')}`)));
        stage = 'joined';
        client.off('data', onData);
        client.pause();
        const backend = net.connect(backendPort, backendHost, () => {
          backend.write(startup!);
          if (buffered.length > 0) backend.write(buffered);
          client.pipe(backend);
          backend.pipe(client);
          client.resume();
        });
        sockets.add(backend);
        backend.on('close', () => {
          sockets.delete(backend);
          client.destroy();
        });
        backend.on('error', () => client.destroy());
        client.on('close', () => backend.destroy());
        return;
      }
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  const database = opts.database ?? 'postgres';
  return {
    url: (password) =>
      `postgres://${encodeURIComponent(opts.user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    get refused() {
      return refused;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function splitHostPort(hostPort: string): [string, number] {
  const at = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, at), Number(hostPort.slice(at + 1))];
}

function startupParams(msg: Buffer): Record<string, string> {
  const parts = msg.subarray(8).toString('utf8').split('\0');
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) out[parts[i]!] = parts[i + 1]!;
  return out;
}

/** An Authentication message ('R') of the given kind (10 SASL, 11 continue, 12 final). */
function authentication(kind: number, data: Buffer): Buffer {
  const out = Buffer.alloc(9 + data.length);
  out.write('R', 0);
  out.writeInt32BE(8 + data.length, 1);
  out.writeInt32BE(kind, 5);
  data.copy(out, 9);
  return out;
}

function errorResponse(sqlstate: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${sqlstate}\0M${message}\0\0`);
  const out = Buffer.alloc(5 + fields.length);
  out.write('E', 0);
  out.writeInt32BE(4 + fields.length, 1);
  fields.copy(out, 5);
  return out;
}

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((x, i) => x ^ b[i]!));
