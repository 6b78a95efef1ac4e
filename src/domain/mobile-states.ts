// An out-of-hours mobile number's lifecycle, and why the service texts one.
//   pending    the confirmation code is out; nothing else is sent to it
//   confirmed  the code came back: it receives heads-ups, escalations and drills
//   retired    removed by the council (or replaced); kept for history, never texted again
export const mobileStates = ['pending', 'confirmed', 'retired'] as const;
export type MobileState = (typeof mobileStates)[number];

/**
 * code        the confirmation code for a new number
 * heads-up    an urgent or critical advisory is waiting (sent as it goes out)
 * escalation  an urgent or critical advisory is still unacknowledged (before the WARP is told)
 * drill       a reachability drill
 */
export const smsPurposes = ['code', 'heads-up', 'escalation', 'drill'] as const;
export type SmsPurpose = (typeof smsPurposes)[number];
