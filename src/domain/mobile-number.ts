// UK mobile numbers: what a council may give as its out-of-hours mobile, in the forms people write them
// ("07700 900123", "+44 (0)7700 900123", "0044 7700 900123"), kept in E.164 ("+447700900123"). Only UK
// mobiles (07…, not 070 personal numbers or 076 pagers, except the Isle of Man's 07624): a text to anything
// else would not arrive, or would cost more than it should.
export const ukMobileExample = '07700 900123';

/** The number in E.164 form, or null when it is not a UK mobile number. */
export function parseUkMobile(input: string): string | null {
  const compact = input.replace(/[\s().-]/g, '').replace(/^\+44\(?0\)?/, '+44');
  let national: string;
  if (/^\+447\d{9}$/.test(compact)) national = `0${compact.slice(3)}`;
  else if (/^00447\d{9}$/.test(compact)) national = `0${compact.slice(4)}`;
  else if (/^\+4407\d{9}$/.test(compact)) national = compact.slice(3);
  else if (/^07\d{9}$/.test(compact)) national = compact;
  else return null;
  if (national.startsWith('070')) return null;
  if (national.startsWith('076') && !national.startsWith('07624')) return null;
  return `+44${national.slice(1)}`;
}

/** "+447700900123" as people read it: "07700 900123". */
export function formatUkMobile(e164: string): string {
  const national = e164.startsWith('+44') ? `0${e164.slice(3)}` : e164;
  return `${national.slice(0, 5)} ${national.slice(5)}`;
}

/** Shown to those who may know a number exists but not what it is: "07••• •••123". */
export function maskUkMobile(e164: string): string {
  const shown = formatUkMobile(e164);
  return `${shown.slice(0, 2)}••• •••${shown.slice(-3)}`;
}
