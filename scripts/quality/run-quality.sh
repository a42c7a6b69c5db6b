#!/usr/bin/env bash
# Published-library quality: what users install from npm. Runs every check, prints one line per check and a
# closing "N passed, M failed", exits 1 when any failed.
#   publint --strict           per package directory and per packed tarball (export map, files, fields)
#   attw --profile node16      per packed tarball (types for import and require; node10 ignored, see below)
#   check-packed.mjs           tarballs installed in a fresh project; every entry point imported, required and
#                              called; koffi never loaded by roots and ./mock; bin runs
#   api-report.mjs             public surface of every entry point equals api-reports/*.api.md
#   typedoc                    API docs build with warnings as errors (not-exported references, broken links)
#   docs coverage              every export of every entry point has a doc summary line (list-undocumented.mjs)
#
# Usage: scripts/quality/run-quality.sh [--no-build]
#   --no-build  reuse the current dist (CI runs `pnpm build` just before)
#
# attw profile: node16 checks node16/nodenext from ESM and CJS plus bundler resolution. node10 (TypeScript's
# legacy `moduleResolution: node`) cannot see subpath exports (`@busbar/core/testing`, `./mock`,
# `./bindings/*`) without a typesVersions map; the packages require Node >= 20 and TypeScript deprecates node10
# resolution, so subpaths are not offered to it. The roots still resolve under node10 (main/types fields).
set -uo pipefail
cd "$(dirname "$0")/../.."

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

packages=(core adapters-pmbus adapters-gpio sim)
# Every export must have a one-line doc summary (`pnpm docs:coverage` lists the ones that do not).
docs_coverage=1
bin=node_modules/.bin
passed=0
failed=0
failures=()
work=$(mktemp -d "${TMPDIR:-/tmp}/busbar-quality-XXXXXX")
trap 'rm -rf "$work"' EXIT

# check NAME COMMAND...: runs the command, keeps its output in $work/NAME.log, shows it only on failure.
check() {
  local name=$1
  shift
  local log="$work/${name//\//_}.log"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL $name"
    sed 's/^/     | /' "$log" | grep -v 'Unknown user config' | tail -40
  fi
}

if [ "$build" -eq 1 ]; then
  echo "=== build"
  check "pnpm build" pnpm build
fi

echo "=== publint --strict"
for p in "${packages[@]}"; do
  check "publint $p" bash -c "cd packages/$p && ../../$bin/publint --strict"
done

echo "=== tarballs packed with pnpm (publishConfig applied, as on publish): publint --strict and attw"
mkdir -p "$work/tarballs"
for p in "${packages[@]}"; do
  dest="$work/tarballs/$p"
  mkdir -p "$dest"
  check "pnpm pack $p" bash -c "cd packages/$p && pnpm pack --pack-destination '$dest'"
  check "publint tarball $p" bash -c "$bin/publint --strict '$dest'/*.tgz"
  check "attw $p" bash -c "$bin/attw --profile node16 --format table-flipped '$dest'/*.tgz"
done

echo "=== packed tarballs in a fresh project"
check "check-packed" node scripts/quality/check-packed.mjs

echo "=== API reports (api-reports/*.api.md)"
check "api-report" node scripts/quality/api-report.mjs

echo "=== typedoc (warnings are errors)"
check "typedoc" "$bin/typedoc" --out "$work/docs" --treatWarningsAsErrors

if [ "$docs_coverage" -eq 1 ]; then
  echo "=== docs coverage (every export has a summary line)"
  check "docs coverage" node scripts/quality/list-undocumented.mjs --check
fi

echo
if [ "$failed" -gt 0 ]; then echo "failed: ${failures[*]}"; fi
echo "quality: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
