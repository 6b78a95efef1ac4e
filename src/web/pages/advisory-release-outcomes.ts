// What the advisory page says after a release, approval or cancellation.
export const releaseOutcomes: Record<string, string> = {
  release: 'Released: sending has started.',
  'release-waiting':
    'Released. Waiting for a second admin: the other administrators have been e-mailed a link to check and approve it.',
  approve: 'Approved: sending has started.',
  cancel: 'Cancelled: nothing more will be sent.',
  test: 'A test copy, marked TEST, is on its way to your own address.',
  'resume-sending': 'Sending resumed: the messages that were waiting are due again now.',
};
