// A fixed OpenPGP key for tests that need the service to sign (the Worker's default bindings, readiness):
// Ed25519 (the EdDSA that GnuPG 2.2 reads), made with openpgp.js on 1 January 2026, never expiring, user ID
// "Council cyber contacts (test key) <no-reply@cyber-contacts.test>", no passphrase. A test key only: it
// signs nothing outside the tests. test/pgp/ makes keys of its own.
export const TEST_OPENPGP_FINGERPRINT = 'C8E689023A06AB479D70E03301A81ECD9E9B4F5A';

export const TEST_OPENPGP_PRIVATE_KEY = `-----BEGIN PGP PRIVATE KEY BLOCK-----

xVgEaVW5ABYJKwYBBAHaRw8BAQdAtozeEl2mt6Iq2MYOiZdiMMvDYcQdxvqI
NbTdnCL7pF0AAP0cOJ5oxkUK7cUICgXvr1+YiJ4llTi6LFBlI7cXZo/5/Q9Z
zUBDb3VuY2lsIGN5YmVyIGNvbnRhY3RzICh0ZXN0IGtleSkgPG5vLXJlcGx5
QGN5YmVyLWNvbnRhY3RzLnRlc3Q+wsATBBMWCgCFBYJpVbkAAwsJBwkQAage
zZ6bT1pFFAAAAAAAHAAgc2FsdEBub3RhdGlvbnMub3BlbnBncGpzLm9yZ06a
cL3vwUhDoTAExzy3zAI0839dHdv51kgJqQ75zlywBRUKCA4MBBYAAgECGQEC
mwMCHgEWIQTI5okCOgarR51w4DMBqB7NnptPWgAAGWcA/RqR+x/IOLUFcXWf
58n9nnHCgXTn/QtaeVB28pQ+FxRKAQDfiklIAsTUQfNMkb4uaTvl46yMnQUv
gqLzfgEWseOBB8ddBGlVuQASCisGAQQBl1UBBQEBB0ATSd2Kuc6RpIhFIMKC
LNzxcuYP9xw4nGFEKCd/ttKKHgMBCAcAAP9a+YQdOVevlWeLev2iOt+W8w6x
5qFNWI7jYa5jKou3wBJuwr4EGBYKAHAFgmlVuQAJEAGoHs2em09aRRQAAAAA
ABwAIHNhbHRAbm90YXRpb25zLm9wZW5wZ3Bqcy5vcmfhaGzmaDvvo3XKRES9
IK2xfLf8lMWMGDEniCTIR11Y9QKbDBYhBMjmiQI6BqtHnXDgMwGoHs2em09a
AABisQD+Jh8DyFBlYj05BXU+ha8dgPGbG2FBZ/c9GWau2F9vF1UBAITTTUc5
BnzEEd6Wi/cWXjUl2aoK7gqJoEL+XF9lzc0E
=10b0
-----END PGP PRIVATE KEY BLOCK-----`;
