#!/usr/bin/env bash
# Install, where missing and possible, what the test suite drives besides Python:
# Debian's Chromium (browser tests), CJK fonts (screenshots and PDFs), PostgreSQL
# (the second database leg) and wrk (benchmarks).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
{ command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || need+=(postgresql)
command -v wrk >/dev/null || need+=(wrk)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
# WeasyPrint renders PDFs through Pango.
ldconfig -p 2>/dev/null | grep libpangoft2-1.0 >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-deps: missing ${need[*]}; install them with your package manager (tests needing them will skip, or fail in CI)." >&2
  exit 0
fi
echo "system-deps: installing ${need[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
