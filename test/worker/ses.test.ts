// The Amazon SES v2 mail adapter in plain Node: what it sends (a SigV4-signed SendEmail with raw MIME) and how
// each SES answer maps onto the port's statuses. The fetch is a local function: no network.
import { AwsClient } from 'aws4fetch';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { classifySesStatus, sesErrorType, sesMailer, sesMessageId } from '../../src/adapters/mailer-ses.js';
import { parseConfig } from '../../src/config.js';
import { AppError } from '../../src/errors.js';
import { memoryLogger } from '../../src/ports/logger.js';
import type { OutgoingMessage } from '../../src/ports/mailer.js';

const config = parseConfig({
  MAIL_FROM: 'Council cyber contacts <no-reply@cyber-contacts.test>',
  SES_REGION: 'eu-west-2',
  SES_ACCESS_KEY_ID: 'AKIAEXAMPLEFAKE00000',
  SES_SECRET_ACCESS_KEY: 'fake-secret',
  SES_CONFIGURATION_SET: 'cyber-contacts',
  SES_TIMEOUT_MS: '200',
});

const message: OutgoingMessage = {
  to: 'cyber@cardiff.gov.uk',
  subject: 'TLP:GREEN Test — advisory',
  text: 'Hello.',
  html: '<p>Hello.</p>',
  messageId: '<delivery.d1@cyber-contacts.test>',
  envelopeFrom: 'bounces+d1@cyber-contacts.test',
  headers: { 'X-TLP': 'GREEN' },
};

type Answer = Response | Error | 'hang';

function mailerAnswering(answer: Answer) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input as Request, init);
    requests.push(request.clone());
    if (answer === 'hang')
      return new Promise<Response>((_, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason)),
      );
    if (answer instanceof Error) throw answer;
    return answer.clone();
  };
  return {
    mailer: sesMailer(config, memoryLogger('silent'), { fetch: fetch as typeof globalThis.fetch }),
    requests,
  };
}

const sesError = (status: number, type: string, text = `fake ${type}`) =>
  new Response(JSON.stringify({ message: text }), {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/`,
    },
  });

describe('sending through SES', () => {
  it('posts a SigV4-signed SendEmail with the raw MIME message, the VERP address as feedback address', async () => {
    const { mailer, requests } = mailerAnswering(Response.json({ MessageId: '0100018abc-xyz-000000' }));
    const result = await mailer.send(message);
    expect(result).toEqual({
      status: 'delivered',
      messageId: message.messageId,
      reply: '200 accepted by SES: MessageId 0100018abc-xyz-000000',
      // SES replaces our Message-ID with its own: the one the recipient sees.
      deliveredMessageId: '<0100018abc-xyz-000000@eu-west-2.amazonses.com>',
    });
    const [request] = requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('https://email.eu-west-2.amazonaws.com/v2/email/outbound-emails');
    const body = JSON.parse(await request!.clone().text());
    expect(body).toMatchObject({
      FromEmailAddress: 'no-reply@cyber-contacts.test',
      Destination: { ToAddresses: ['cyber@cardiff.gov.uk'] },
      FeedbackForwardingEmailAddress: 'bounces+d1@cyber-contacts.test',
      ConfigurationSetName: 'cyber-contacts',
    });
    const parsed = await simpleParser(Buffer.from(body.Content.Raw.Data, 'base64'));
    expect(parsed.subject).toBe(message.subject);
    expect(parsed.messageId).toBe(message.messageId);
    // Ours goes along in a header SES keeps, so a resend is recognisable as the same message.
    expect(parsed.headers.get('original-message-id')).toBe(message.messageId);
    expect(parsed.text).toBe('Hello.');

    // The signature is SigV4's for service "ses" in the region: signing the same request again at the same
    // moment with the same credentials gives the same Authorization header.
    const datetime = request!.headers.get('x-amz-date')!;
    expect(datetime).toMatch(/^\d{8}T\d{6}Z$/);
    const again = await new AwsClient({
      accessKeyId: 'AKIAEXAMPLEFAKE00000',
      secretAccessKey: 'fake-secret',
      service: 'ses',
      region: 'eu-west-2',
    }).sign(request!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: await request!.clone().text(),
      aws: { datetime },
    });
    expect(request!.headers.get('authorization')).toBe(again.headers.get('authorization'));
    expect(request!.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEFAKE00000\/\d{8}\/eu-west-2\/ses\/aws4_request, /,
    );
  });

  it('names the Message-ID SES gives in us-east-1 (email.amazonses.com) and elsewhere (<region>.amazonses.com)', () => {
    expect(sesMessageId('us-east-1', 'abc')).toBe('<abc@email.amazonses.com>');
    expect(sesMessageId('eu-west-2', 'abc')).toBe('<abc@eu-west-2.amazonses.com>');
  });

  it('uses SES_ENDPOINT when set (tests, a VPC endpoint)', () => {
    const mailer = sesMailer({ ...config, SES_ENDPOINT: 'https://ses.fake/' }, memoryLogger('silent'));
    expect(mailer.endpoint).toBe('https://ses.fake/v2/email/outbound-emails');
  });

  it('refuses a message with a header injection before anything is sent, as every adapter does', async () => {
    const { mailer, requests } = mailerAnswering(Response.json({ MessageId: 'x' }));
    await expect(mailer.send({ ...message, subject: 'Hi\r\nBcc: x@example.com' })).rejects.toThrow(AppError);
    expect(requests).toHaveLength(0);
  });

  it('refuses to start without a region and credentials', () => {
    expect(() => sesMailer({ ...config, SES_SECRET_ACCESS_KEY: undefined }, memoryLogger('silent'))).toThrow(
      /SES_REGION, SES_ACCESS_KEY_ID and SES_SECRET_ACCESS_KEY/,
    );
  });
});

describe('what each SES answer means for the delivery', () => {
  const cases: Array<[string, Answer, string, RegExp]> = [
    [
      '429 TooManyRequestsException',
      sesError(429, 'TooManyRequestsException'),
      'temporary-failure',
      /^429 TooManyRequestsException: fake/,
    ],
    [
      '400 ThrottlingException',
      sesError(400, 'ThrottlingException'),
      'temporary-failure',
      /^400 ThrottlingException/,
    ],
    [
      '400 LimitExceededException (quota)',
      sesError(400, 'LimitExceededException'),
      'temporary-failure',
      /^400 Limit/,
    ],
    ['500 InternalFailure', sesError(500, 'InternalFailure'), 'temporary-failure', /^500 InternalFailure/],
    ['503 without a body', new Response('', { status: 503 }), 'temporary-failure', /^503 error/],
    [
      '400 MessageRejected',
      sesError(400, 'MessageRejected', 'Email address is on the suppression list'),
      'permanent-failure',
      /^400 MessageRejected: Email address is on the suppression list$/,
    ],
    [
      '400 MailFromDomainNotVerifiedException',
      sesError(400, 'MailFromDomainNotVerifiedException'),
      'technical-failure',
      /^400 MailFromDomainNotVerifiedException/,
    ],
    [
      '400 AccountSuspendedException',
      sesError(400, 'AccountSuspendedException'),
      'technical-failure',
      /^400 AccountSuspended/,
    ],
    [
      '400 SendingPausedException',
      sesError(400, 'SendingPausedException'),
      'technical-failure',
      /^400 SendingPaused/,
    ],
    [
      '403 InvalidSignatureException',
      sesError(403, 'InvalidSignatureException'),
      'technical-failure',
      /^403 InvalidSignature/,
    ],
    [
      'a network error',
      new TypeError('fetch failed'),
      'temporary-failure',
      /^SES unreachable: fetch failed$/,
    ],
    ['no answer within SES_TIMEOUT_MS', 'hang', 'temporary-failure', /^SES unreachable: timed out$/],
  ];
  for (const [name, answer, status, reply] of cases)
    it(`${name} → ${status}`, async () => {
      const { mailer } = mailerAnswering(answer);
      const result = await mailer.send(message);
      expect(result.status).toBe(status);
      expect(result.reply).toMatch(reply);
      expect(result.messageId).toBe(message.messageId);
    });

  it('reads the error type from the header or from the JSON body', () => {
    expect(sesErrorType('MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/', {})).toBe(
      'MessageRejected',
    );
    expect(sesErrorType(null, { __type: 'com.amazonaws.sesv2#TooManyRequestsException' })).toBe(
      'TooManyRequestsException',
    );
    expect(sesErrorType(null, { code: 'BadRequestException' })).toBe('BadRequestException');
    expect(sesErrorType(null, 'not json')).toBeUndefined();
    expect(classifySesStatus(200, undefined)).toBe('delivered');
    expect(classifySesStatus(408, undefined)).toBe('temporary-failure');
    expect(classifySesStatus(400, 'BadRequestException')).toBe('technical-failure');
    expect(classifySesStatus(404, 'NotFoundException')).toBe('technical-failure');
  });
});
