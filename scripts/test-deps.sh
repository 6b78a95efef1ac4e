#!/usr/bin/env bash
# Installs the system packages the test suite needs (Chromium for the browser tests, unbound for the
# real-DNS reachability test), once.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v unbound >/dev/null 2>&1 || [ -x /usr/sbin/unbound ] || need+=(unbound)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "The tests need: ${need[*]}. Install them (apt-get install -y ${need[*]}) or run as root." >&2
    exit 1
  fi
  echo "Installing ${need[*]} (Debian packages) for the tests…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
