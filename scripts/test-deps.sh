#!/usr/bin/env bash
# Installs the system packages the test suite needs (Chromium for the browser tests, unbound for the
# real-DNS reachability test, Postfix for the fan-out through a real MTA, GnuPG to verify signed advisories
# with an implementation independent of ours), once. Postfix is installed
# unconfigured ("No configuration"): the tests run private instances of it and no system mail server
# is set up or started.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v unbound >/dev/null 2>&1 || [ -x /usr/sbin/unbound ] || need+=(unbound)
[ -x /usr/sbin/postfix ] || need+=(postfix)
command -v gpg >/dev/null 2>&1 || need+=(gnupg)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "The tests need: ${need[*]}. Install them (apt-get install -y ${need[*]}) or run as root." >&2
    exit 1
  fi
  echo "Installing ${need[*]} (Debian packages) for the tests…" >&2
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
