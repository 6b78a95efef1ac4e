// What the advisory page says after a release, approval or cancellation.
export const releaseOutcomes: Record<string, string> = {
  release: 'Released.',
  approve: 'Approved: sending has started.',
  cancel: 'Cancelled: nothing more will be sent.',
  'resume-sending': 'Sending resumed: the messages that were waiting are due again now.',
};
