// The page a staff member's sign-in link opens: one button, so that a mail scanner following the link does
// not spend it (the POST does).
export function StaffSignInLinkPage({ token, name, role }: { token: string; name: string; role: string }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">Sign in as staff</h1>
        <p class="govuk-body">
          You are signing in as {name}, {role === 'admin' ? 'an NCSC administrator' : 'a WARP operator'}. You
          will see the coverage dashboard and the chase list.
        </p>
        <form method="post" action={`/sign-in/${token}`} novalidate>
          <button
            type="submit"
            class="govuk-button"
            data-module="govuk-button"
            data-prevent-double-click="true"
          >
            Sign in
          </button>
        </form>
      </div>
    </div>
  );
}
