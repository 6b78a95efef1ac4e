// Where the CSAF provider metadata is published (CSAF 2.0 §7.1.7): named by the CSAF feature that serves it
// and by the security.txt check (its CSAF: field), which may not import that feature (a cycle through
// advisories and mailbox keys).
export const PROVIDER_METADATA_PATH = '/.well-known/csaf/provider-metadata.json';
