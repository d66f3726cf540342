import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { freePort } from './receivers.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as sent (headers and body, RFC 5322). */
  data: string;
}

/**
 * A real SMTP server on loopback: Debian's python3-aiosmtpd (installed by scripts/provision.sh),
 * an implementation independent of the nodemailer client under test. Each accepted message is
 * printed as a JSON line (envelope sender, recipients, content) and recorded here.
 */
const SERVER = `
import json, sys
from aiosmtpd.controller import Controller
class Handler:
    async def handle_DATA(self, server, session, envelope):
        print(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos, "data": envelope.content.decode("utf-8", "replace")}), flush=True)
        return "250 Message accepted"
controller = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print(json.dumps({"ready": True}), flush=True)
sys.stdin.read()
controller.stop()
`;

export async function startSmtpServer(): Promise<{ port: number; mails: ReceivedMail[]; waitFor(count: number, ms?: number): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn('/usr/bin/python3', ['-c', SERVER, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const mails: ReceivedMail[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const value = JSON.parse(line) as { ready?: boolean } & ReceivedMail;
      if (value.ready) resolve();
      else mails.push(value);
    });
    child.on('exit', (code) => reject(new Error(`aiosmtpd exited (${code}): ${stderr} (python3-aiosmtpd missing? run bash scripts/provision.sh)`)));
  });
  return {
    port,
    mails,
    async waitFor(count, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} mails (got ${mails.length})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin!.end();
      setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
    }),
  };
}

/** The headers and the decoded text of a plain-text mail (quoted-printable, base64 or 7bit). */
export function parseMail(data: string): { headers: Record<string, string>; text: string } {
  const split = data.indexOf('\r\n\r\n') >= 0 ? data.indexOf('\r\n\r\n') : data.indexOf('\n\n');
  const head = data.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = data.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let text = body;
  if (encoding === 'quoted-printable') {
    text = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  } else if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { headers, text: text.replace(/\r\n/g, '\n') };
}
