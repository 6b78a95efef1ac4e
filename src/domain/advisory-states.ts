// An advisory's vocabulary (severity, kind, lifecycle) and its deliveries' statuses, named as GOV.UK
// Notify names them. Which delivery statuses are still being worked on, and which are final, is decided
// here once: the engine, the reports and the pages all ask this module.
export const severities = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];

export const advisoryStates = ['draft', 'awaiting-approval', 'sending', 'sent', 'cancelled'] as const;
export type AdvisoryState = (typeof advisoryStates)[number];

export const advisoryKinds = ['advisory', 'update', 'cancellation'] as const;
export type AdvisoryKind = (typeof advisoryKinds)[number];

export const deliveryStatuses = [
  'created',
  'sending',
  'delivered',
  'temporary-failure',
  'permanent-failure',
  'technical-failure',
  'cancelled',
] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** Failures that are retried (with a next attempt time) until the delivery's deadline. */
export const retryableDeliveryStatuses = [
  'temporary-failure',
  'technical-failure',
] as const satisfies readonly DeliveryStatus[];
