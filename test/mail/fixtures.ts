// Shared data for the mail tests: a config and one data record per template.

import { parseConfig } from '../../src/config.js';
import type { ApprovalNeededData } from '../../templates/approval-needed.js';
import type { ConfirmationData } from '../../templates/confirmation.js';
import type { ConfirmedData } from '../../templates/confirmed.js';
import type { HandoverRefusedData } from '../../templates/handover-refused.js';
import type { HandoverRequestData } from '../../templates/handover-request.js';
import type { MagicLinkData } from '../../templates/magic-link.js';
import type { MailboxReplacedData } from '../../templates/mailbox-replaced.js';

export function mailConfig(env: Record<string, string> = {}) {
  return parseConfig({
    PUBLIC_BASE_URL: 'https://cyber-contacts.example.gov.uk',
    MAIL_FROM: 'Council cyber contacts <no-reply@mail.cyber-contacts.test>',
    // The From's domain is kept apart from the Message-IDs' (the public host) on purpose, so that each is
    // seen to come from its own setting: with real mail that takes the opt-in.
    MAIL_FROM_OTHER_DOMAIN: 'true',
    MAIL_REPLY_TO: 'support@cyber-contacts.test',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export const confirmation: ConfirmationData = {
  serviceName: 'Council cyber contacts',
  authorityName: 'Cardiff Council',
  address: 'security@cardiff.gov.uk',
  kind: 'primary',
  team: 'ICT Security Team',
  confirmUrl: 'https://cyber-contacts.example.gov.uk/confirm/abc123',
  expiresAt: new Date('2026-12-02T09:00:00Z'),
};

export const confirmed: ConfirmedData = {
  serviceName: 'Council cyber contacts',
  authorityName: 'Cardiff Council',
  address: 'security@cardiff.gov.uk',
  kind: 'primary',
};

export const magicLink: MagicLinkData = {
  serviceName: 'Council cyber contacts',
  authorityName: 'Cardiff Council',
  signInUrl: 'https://cyber-contacts.example.gov.uk/sign-in/xyz789',
  expiresAt: new Date('2026-07-02T12:30:00Z'),
};

export const approvalNeeded: ApprovalNeededData = {
  serviceName: 'Council cyber contacts',
  authorityName: 'Cardiff Council',
  authorityCode: 'CRF',
  address: 'soc@cardiff-it.example.com',
  domain: 'cardiff-it.example.com',
  knownDomains: ['cardiff.gov.uk', 'caerdydd.gov.uk'],
  team: 'SOC',
  reviewUrl: 'https://cyber-contacts.example.gov.uk/admin/mailboxes/m1',
};

export const mailboxReplaced: MailboxReplacedData = {
  serviceName: 'Council cyber contacts',
  authorityName: 'Cardiff Council',
  oldAddress: 'it-security@cardiff.gov.uk',
  newAddress: 'security@cardiff.gov.uk',
  kind: 'primary',
};

export const handoverRequest: HandoverRequestData = {
  serviceName: 'Council cyber contacts',
  authorityName: 'Cardiff Council',
  currentAddress: 'it-security@cardiff.gov.uk',
  newAddress: 'security@cardiff.gov.uk',
  answerUrl: 'https://cyber-contacts.example.gov.uk/handover/abc123',
  dueAt: new Date('2026-07-04T12:30:00Z'),
};

export const handoverRefused: HandoverRefusedData = {
  serviceName: 'Council cyber contacts',
  authorityName: 'Cardiff Council',
  authorityCode: 'CRF',
  address: 'x@cardiff.gov.uk',
  team: 'Cyber',
  reason: 'its council’s primary mailbox refused it',
  authorityUrl: 'https://cyber-contacts.example.gov.uk/authorities/CRF',
};
