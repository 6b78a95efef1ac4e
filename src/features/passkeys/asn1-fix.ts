// A fix for the installed dependency tree, not for the protocol: SimpleWebAuthn reads an ES256 signature's
// ASN.1 with the top-level @peculiar/asn1-schema (2.6.0 in package-lock.json), while @peculiar/asn1-ecc
// registered its ECDSASigValue with its own newer copy (nested under it), so every ES256 sign-in would fail
// with "Cannot get schema for 'ECDSASigValue' target". When that is so, the same two fields are registered
// with the copy SimpleWebAuthn uses. Harmless once the tree is deduplicated (`npm dedupe`): then it does
// nothing.
import { ECDSASigValue } from '@peculiar/asn1-ecc';
import { AsnIntegerArrayBufferConverter, AsnParser, AsnProp, AsnPropTypes } from '@peculiar/asn1-schema';

const SAMPLE = new Uint8Array([0x30, 6, 2, 1, 1, 2, 1, 1]);

function readable(): boolean {
  try {
    AsnParser.parse(SAMPLE, ECDSASigValue);
    return true;
  } catch {
    return false;
  }
}

export function ensureEcdsaSignatureSchema(): void {
  if (readable()) return;
  const integer = AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter });
  integer(ECDSASigValue.prototype, 'r');
  integer(ECDSASigValue.prototype, 's');
}
