// To the service's admins: the fan-out queue on Cloudflare Workers gave up on messages (their consumer
// failed every retry) and parked them in the dead-letter queue. Nothing is lost: the deliveries are in the
// database and the 5-minute dispatch sends them; but something failed repeatedly and needs a look.
import { callToAction, defineTemplate, html, layout, line, p, summary, textLayout } from './template.js';

export interface QueueDeadLetterData {
  serviceName: string;
  queue: string;
  /** What each parked message asked for, in words ("send advisory NCSC-2026-0042", "send queued mail"). */
  messages: Array<{ what: string; attempts: number }>;
  serviceUrl: string;
}

const count = (n: number) => (n === 1 ? '1 message' : `${n} messages`);
const attempts = (n: number) => (n === 1 ? '1 attempt' : `${n} attempts`);
const them = (n: number) => (n === 1 ? 'it' : 'them');

export default defineTemplate<QueueDeadLetterData>({
  subject: (d) => `The fan-out queue gave up on ${count(d.messages.length)}`,

  text: (d) =>
    textLayout(d.serviceName, [
      `The queue ${line(d.queue)} retried ${count(d.messages.length)} until it gave up, and parked ${them(d.messages.length)} in its dead-letter queue:`,
      d.messages.map((m) => `- ${line(m.what)} (${attempts(m.attempts)})`).join('\n'),
      'Nothing is lost: the deliveries are kept in the database, and the dispatch that runs every 5 minutes sends whatever is due. The Worker log has the error each attempt ended with; the audit log records each parked message (action queue.dead-letter).',
      d.serviceUrl,
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: `The fan-out queue gave up on ${count(d.messages.length)}`,
      body: html`${p(
        `The queue ${d.queue} retried ${count(d.messages.length)} until it gave up, and parked ${them(d.messages.length)} in its dead-letter queue:`,
      )}${summary(d.messages.map((m) => [m.what, attempts(m.attempts)] as const))}${p(
        'Nothing is lost: the deliveries are kept in the database, and the dispatch that runs every 5 minutes sends whatever is due. The Worker log has the error each attempt ended with.',
      )}${callToAction(d.serviceUrl, 'Open the service')}`,
    }),
});
