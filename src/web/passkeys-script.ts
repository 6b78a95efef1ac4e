// The page script of the passkey ceremonies (served at /passkeys.js, loaded by app.js only on a page that
// has one): SimpleWebAuthn's browser bundle (/assets/simplewebauthn-browser.umd.min.js) runs
// navigator.credentials.create()/get(), and the answers go to the JSON routes of features/passkeys. No inline
// script (the CSP allows only 'self'); without JavaScript the page says the ceremony needs it.
export const passkeysJs = `await import('/assets/simplewebauthn-browser.umd.min.js');
const webauthn = globalThis.SimpleWebAuthnBrowser;
const supported = webauthn && webauthn.browserSupportsWebAuthn();

for (const note of document.querySelectorAll('[data-passkey-no-script]')) {
  if (supported) note.hidden = true;
  else note.textContent = 'This browser cannot use passkeys. Use a sign-in link, or another browser.';
}
if (supported) for (const el of document.querySelectorAll('[data-passkey-register], [data-passkey-ceremony]')) el.hidden = false;

const post = async (path, csrf, body) => {
  const answer = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf || '' },
    body: JSON.stringify(body || {}),
  });
  const data = await answer.json().catch(() => ({}));
  if (!answer.ok) throw new Error(data.detail || 'Something went wrong. Try again.');
  return data;
};

const show = (box, message) => {
  if (!box) return;
  box.hidden = false;
  box.textContent = '';
  const hidden = document.createElement('span');
  hidden.className = 'govuk-visually-hidden';
  hidden.textContent = 'Error: ';
  box.append(hidden, message);
};

const cancelled = (err) => err && (err.name === 'NotAllowedError' || err.name === 'AbortError');

const register = document.querySelector('[data-passkey-register]');
if (supported && register) {
  register.addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = register.querySelector('[data-passkey-error]');
    const name = register.querySelector('[name="name"]').value.trim();
    if (!name) return show(box, 'Enter a name for the passkey');
    const csrf = register.getAttribute('data-csrf');
    try {
      const optionsJSON = await post('/api/v1/passkeys/registration-options', csrf);
      const response = await webauthn.startRegistration({ optionsJSON });
      await post('/api/v1/passkeys', csrf, { name, response });
      location.assign('/account');
    } catch (err) {
      show(box, cancelled(err) ? 'No passkey was made: the request was cancelled or timed out.' : err.message);
    }
  });
}

for (const button of document.querySelectorAll('[data-passkey-sign-in]')) {
  if (!supported) continue;
  button.addEventListener('click', async () => {
    const box = button.parentElement.querySelector('[data-passkey-error]');
    const csrf = button.getAttribute('data-csrf');
    try {
      const optionsJSON = await post('/api/v1/sign-in/passkey/options', csrf);
      const response = await webauthn.startAuthentication({ optionsJSON });
      const done = await post('/api/v1/sign-in/passkey', csrf, { response });
      location.assign(done.redirect || '/dashboard');
    } catch (err) {
      show(box, cancelled(err) ? 'You were not signed in: the request was cancelled or timed out.' : err.message);
    }
  });
}
`;
