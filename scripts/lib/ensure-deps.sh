# Sourced by scripts/test and scripts/start (bash). `ensure_deps` installs dependencies when
# node_modules is missing or package-lock.json changed since the last install (its hash is kept in
# node_modules), then puts node_modules/.bin first on PATH: Node 24 (the `node` devDependency), tsx,
# buf, biome. Run from the repository root. Functions here check every status themselves: a caller's
# `set -e` does not apply inside a function called from a condition.

ensure_deps() {
  local marker=node_modules/.paymesh-lock-sha256
  local wanted installed=''
  wanted=$(sha256sum package-lock.json | cut -d' ' -f1) || return
  [[ -f $marker ]] && installed=$(<"$marker")
  if [[ $installed != "$wanted" ]]; then
    if [[ -z $installed && -x node_modules/.bin/node ]] &&
      node_modules/.bin/node scripts/lib/installed-matches-lock.ts; then
      echo "dependencies: node_modules already matches package-lock.json"
    else
      if [[ -d node_modules ]]; then
        echo "dependencies: package-lock.json changed since the last install: npm ci"
      else
        echo "dependencies: node_modules is missing: npm ci"
      fi
      install_locked_tree || return
    fi
    echo "$wanted" >"$marker" || return
  else
    echo "dependencies: up to date with package-lock.json"
  fi
  export PATH="$PWD/node_modules/.bin:$PATH"
}

# `npm ci`. When npm ci refuses the lockfile as out of sync, the cause can be optional packages for
# other platforms that this machine's registry does not serve, so npm left them out of the lock and
# npm ci then asks for them (npm/cli#9846). Then `npm install --no-save` installs the same locked
# tree without touching the lock, and npm's record of what it installed must equal the lock exactly,
# which catches a package.json that really is out of sync.
install_locked_tree() {
  local log code=0
  log=$(mktemp) || return
  npm ci --no-audit --no-fund >"$log" 2>&1 || code=$?
  if ((code != 0)) && grep -q 'can only install packages when your package.json and package-lock.json' "$log"; then
    echo "dependencies: npm ci refused the lockfile ($(grep -c 'Missing: ' "$log") entries missing, see npm/cli#9846): npm install --no-save, then verify the tree against the lock"
    code=0
    npm install --no-save --no-audit --no-fund || code=$?
    if ((code == 0)) && ! node_modules/.bin/node scripts/lib/installed-matches-lock.ts; then
      echo "dependencies: node_modules does not match package-lock.json: package.json and the lock are out of sync; run npm install and commit package-lock.json" >&2
      code=1
    fi
  else
    cat "$log"
  fi
  rm -f "$log"
  return "$code"
}
