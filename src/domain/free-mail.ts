// Free e-mail providers: anyone can open an address there, so a council mailbox on one of them proves
// nothing about who reads it. An admin approving such a registration is warned.
const freeMailDomains = new Set([
  'aol.com',
  'btinternet.com',
  'gmail.com',
  'gmx.co.uk',
  'gmx.com',
  'googlemail.com',
  'hotmail.co.uk',
  'hotmail.com',
  'icloud.com',
  'live.co.uk',
  'live.com',
  'mail.com',
  'me.com',
  'msn.com',
  'outlook.com',
  'proton.me',
  'protonmail.com',
  'sky.com',
  'talktalk.net',
  'tutanota.com',
  'virginmedia.com',
  'yahoo.co.uk',
  'yahoo.com',
  'yandex.com',
  'zoho.com',
]);

export function isFreeMailDomain(domain: string): boolean {
  return freeMailDomains.has(domain.trim().toLowerCase());
}
