#!/usr/bin/env bash
# Fails when a module includes a header of a module above it in the dependency order
# (ARCHITECTURE.md): base <- sip, sdp, media <- pbx <- store <- crm <- notify <- http <- app.
set -euo pipefail
src=${1:?usage: check_includes.sh SRC_DIR}
declare -A allowed=(
  [base]="base"
  [sip]="base sip"
  [sdp]="base sdp"
  [media]="base media"
  [pbx]="base sip sdp media pbx"
  [store]="base sip sdp media pbx store"
  [crm]="base sip sdp media pbx store crm"
  [notify]="base sip sdp media pbx store crm notify"
  [http]="base sip sdp media pbx store crm notify http"
  [app]="base sip sdp media pbx store crm notify http app"
)
bad=0
for module in "${!allowed[@]}"; do
  [ -d "$src/$module" ] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$line")
    [ -d "$src/$inc" ] || continue
    if ! grep -qw "$inc" <<<"${allowed[$module]}"; then
      echo "$file: module '$module' must not include '$inc' headers: $line"
      bad=1
    fi
  done < <(grep -rHn '^#include "[a-z_]*/' "$src/$module" --include='*.hpp' --include='*.cpp' || true)
done
[ $bad = 0 ] && echo "module boundaries respected"
exit $bad
