// The mail-security checks made of a council's domain, and how bad each result is.
export const checkKinds = ['mx', 'spf', 'dmarc', 'mta-sts', 'tls-rpt', 'security-txt'] as const;
export type CheckKind = (typeof checkKinds)[number];

/** `temporary` means the lookup failed (retry later): it is never evidence about the domain. */
export const checkSeverities = ['ok', 'info', 'warning', 'critical', 'temporary'] as const;
export type CheckSeverity = (typeof checkSeverities)[number];
