# The console's browser tests drive Debian's Chromium through its ChromeDriver (packages chromium
# and chromium-driver): nothing is downloaded by a test tool. $1: "install" to apt-get install
# them when missing (as root).

BROWSER_BINARY=/usr/bin/chromium
BROWSER_DRIVER=/usr/bin/chromedriver

ensure_browser() {
  local install=${1:-}
  [[ -x $BROWSER_BINARY && -x $BROWSER_DRIVER ]] && return 0
  if [[ $install == install && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's chromium and chromium-driver (log: $LOG_DIR/browser-install.log)"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; } \
      > "$LOG_DIR/browser-install.log" 2>&1 \
      || die "apt-get install chromium chromium-driver failed (see $LOG_DIR/browser-install.log)."
  else
    die "the console's browser tests need Debian's chromium and chromium-driver; install them (as root: apt-get install chromium chromium-driver)."
  fi
}
