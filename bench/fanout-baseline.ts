// One baseline run (a child process of fanout.ts): a bare nodemailer pool, the same pool settings as the
// engine's, sending the same messages the engine would send: the advisory e-mail rendered once by the
// engine's own builder (passed in), each copy with its own delivery id (To, Message-ID, VERP sender and
// acknowledgement link), kept `inFlight` sends ahead of the pool so it never waits for work.
import nodemailer from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type { SMTPPoolOptions } from 'nodemailer/lib/smtp-pool';
import type { OutgoingMessage } from '../src/ports/mailer.js';
import { childInput, runChildMain } from './lib/child.js';
import type { BenchDkim } from './lib/fanout-fixture.js';
import { kernelPeakRss, sampleRss } from './lib/memory.js';
import { processMeter } from './lib/timing.js';

export interface BaselineInput {
  smtpUrl: string;
  connections: number;
  messages: number;
  inFlight: number;
  /** One rendered message; `templateId` (its delivery id) is replaced by each message's own id. */
  sample: OutgoingMessage;
  templateId: string;
  mailFrom: string;
  /** Sign every message with DKIM (nodemailer's own signer), as the engine does when it is on. */
  dkim?: BenchDkim;
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

runChildMain(async () => {
  const input = childInput<BaselineInput>();
  const transport = nodemailer.createTransport({
    ...(parseConnectionUrl(input.smtpUrl) as SMTPPoolOptions),
    maxConnections: input.connections,
    pool: true,
    ...(input.dkim
      ? {
          dkim: {
            domainName: input.dkim.domain,
            keySelector: input.dkim.selector,
            privateKey: input.dkim.privateKeyPem,
          },
        }
      : {}),
  });
  const { sample, templateId } = input;
  const idWidth = templateId.length;

  const rss = sampleRss(50);
  const meter = processMeter();
  const fromUs = monotonicUs();
  let nextIndex = 0;
  let delivered = 0;
  let failed = 0;
  async function lane() {
    while (nextIndex < input.messages) {
      const id = (nextIndex++).toString(16).padStart(idWidth, '0');
      const to = `primary-security@b${id.slice(-5)}.gov.uk`;
      try {
        await transport.sendMail({
          from: sample.from ?? input.mailFrom,
          to,
          subject: sample.subject,
          text: sample.text.replaceAll(templateId, id),
          html: sample.html?.replaceAll(templateId, id),
          messageId: sample.messageId.replace(templateId, id),
          headers: sample.headers,
          envelope: { from: sample.envelopeFrom!.replace(templateId, id), to: [to] },
          disableFileAccess: true,
          disableUrlAccess: true,
        });
        delivered++;
      } catch {
        failed++;
      }
    }
  }
  await Promise.all(Array.from({ length: input.inFlight }, lane));
  const toUs = monotonicUs();
  const measured = meter.stop();
  const memory = rss.stop();
  transport.close();
  return {
    kind: 'baseline',
    delivered,
    failed,
    drain: measured,
    sendWindowUs: { fromUs, toUs },
    rssPeakSampled: memory.peak,
    rssAtStart: memory.start,
    rssPeakKernel: kernelPeakRss(),
  };
});
