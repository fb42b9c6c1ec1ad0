#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png (login, dashboard with a call ringing live, scheme-editor,
# calls, heatmap, schedules, groups, voicemail, users, users-form; contacts, contact with its
# deals, caller-card on a manager's page while a customer's call rings, tasks): the web app's
# browser tests run against a real dzvin with a few real baresip calls and a voicemail, in
# Ukrainian.
#   scripts/screenshots.sh      after scripts/build.sh (web/dist, build/src/app/dzvin) and
#                               scripts/setup.sh --test (chromium, baresip)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/docs/screenshots
mkdir -p "$out"
DZVIN_SCREENSHOTS=$out python3 "$root/tests/e2e/test_web_browser.py"
DZVIN_SCREENSHOTS=$out python3 "$root/tests/e2e/test_crm_browser.py"
ls "$out"
