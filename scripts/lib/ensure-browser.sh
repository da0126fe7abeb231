# Sourced by scripts/test (bash). `ensure_browser` makes sure Debian's Chromium is at
# /usr/bin/chromium for the browser tests (playwright-core drives it; `npx playwright install`
# cannot download here): installed with apt-get when missing and we are root, otherwise one line
# saying what to install. PAYMESH_CHROMIUM points elsewhere.

ensure_browser() {
  local chromium=${PAYMESH_CHROMIUM:-/usr/bin/chromium}
  if [[ -x $chromium ]]; then
    echo "browser: $("$chromium" --version 2>/dev/null | head -n 1) at $chromium"
    return 0
  fi
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    echo "browser: no Chromium at $chromium: install Debian's chromium (sudo apt-get install -y chromium)" >&2
    return 1
  fi
  echo "browser: installing Debian's chromium (apt-get)"
  apt-get update -qq || return
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null || return
  echo "browser: $("$chromium" --version 2>/dev/null | head -n 1) at $chromium"
}
