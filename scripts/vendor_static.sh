#!/usr/bin/env bash
# Vendor front-end assets from the npm registry into static/vendor/.
#
# Reproduces exactly what is committed under static/vendor/ (and regenerates
# static/vendor/VERSIONS.md).  Idempotent: each package directory is wiped and
# rebuilt from the pinned tarball on every run.  Nothing is fetched at run time
# of the application; this script is only for maintainers upgrading assets.
#
# Usage:   scripts/vendor_static.sh
# Upgrade: change the pinned versions below, run the script, review the diff
#          (check the DKFDS changelog for markup changes), run the test suite.
#
# Requires: bash, npm (>= 7, for --pack-destination), tar, sha256sum or shasum.
set -euo pipefail

DKFDS_VERSION="11.2.0"
HTMX_VERSION="2.0.8"
AXE_VERSION="4.11.0"
CHARTJS_VERSION="4.5.1"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$REPO_ROOT/static/vendor"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

die() { echo "vendor_static.sh: $*" >&2; exit 1; }

command -v npm >/dev/null || die "npm not found"

sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
    else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# fetch NAME VERSION -> unpacks into $TMP/NAME/package
fetch() {
    local name="$1" version="$2" dest="$TMP/$1"
    mkdir -p "$dest"
    # npm pack verifies the tarball against the registry's integrity hash.
    (cd "$dest" && npm pack --silent "${name}@${version}" >/dev/null)
    local tgz
    tgz="$(ls "$dest"/*.tgz)"
    tar -xzf "$tgz" -C "$dest"
    [ -d "$dest/package" ] || die "unexpected tarball layout for $name"
}

# copy_stripped SRC DEST : copy a built file, dropping the trailing
# sourceMappingURL comment (we do not ship .map files, and Django's
# ManifestStaticFilesStorage would fail on a reference to a missing map).
copy_stripped() {
    mkdir -p "$(dirname "$2")"
    grep -vE '^[[:space:]]*(//|/\*)# sourceMappingURL=' "$1" > "$2" || true
    [ -s "$2" ] || die "empty output for $1"
}

copy() {
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2"
}

# css_refs FILE : print local url(...) references in a CSS file (no data: URIs)
css_refs() {
    grep -oE 'url\([^)]*\)' "$1" \
        | sed -E 's/^url\(["'"'"']?//; s/["'"'"']?\)$//' \
        | grep -vE '^(data:|https?:|//|#)' \
        | sed -E 's/[?#].*$//' \
        | sort -u
}

echo "Fetching packages from npm registry..."
fetch dkfds "$DKFDS_VERSION"
fetch htmx.org "$HTMX_VERSION"
fetch axe-core "$AXE_VERSION"
fetch chart.js "$CHARTJS_VERSION"

mkdir -p "$VENDOR"
rm -rf "$VENDOR/dkfds" "$VENDOR/htmx" "$VENDOR/axe-core" "$VENDOR/chartjs"

# --- DKFDS -----------------------------------------------------------------
SRC="$TMP/dkfds/package/dist"
DST="$VENDOR/dkfds"
copy_stripped "$SRC/css/dkfds.min.css" "$DST/css/dkfds.min.css"
copy_stripped "$SRC/js/dkfds.min.js" "$DST/js/dkfds.min.js"
# Only the fonts/images the CSS actually references, at the same relative paths.
dkfds_refs=0
while IFS= read -r ref; do
    case "$ref" in
        ../*) rel="${ref#../}" ;;   # relative to dist/css/ -> dist/
        *)    rel="css/$ref" ;;
    esac
    case "$rel" in ../*|/*) die "reference escapes dist/: $ref" ;; esac
    [ -f "$SRC/$rel" ] || die "dkfds.min.css references missing file $ref"
    copy "$SRC/$rel" "$DST/$rel"
    dkfds_refs=$((dkfds_refs + 1))
done < <(css_refs "$SRC/css/dkfds.min.css")
# SVG sprite for inline icons in templates: <svg><use href=".../all-svg-icons.svg#name">
copy "$SRC/img/all-svg-icons.svg" "$DST/img/all-svg-icons.svg"
copy "$TMP/dkfds/package/LICENSE.md" "$DST/LICENSE.md"
copy "$SRC/fonts/IBMPlexSans/complete/woff2/license.txt" "$DST/fonts/IBMPlexSans/LICENSE-OFL.txt"

# --- htmx ------------------------------------------------------------------
copy_stripped "$TMP/htmx.org/package/dist/htmx.min.js" "$VENDOR/htmx/htmx.min.js"
copy "$TMP/htmx.org/package/LICENSE" "$VENDOR/htmx/LICENSE"

# --- axe-core --------------------------------------------------------------
copy_stripped "$TMP/axe-core/package/axe.min.js" "$VENDOR/axe-core/axe.min.js"
copy "$TMP/axe-core/package/LICENSE" "$VENDOR/axe-core/LICENSE"

# --- Chart.js (UMD build) --------------------------------------------------
copy_stripped "$TMP/chart.js/package/dist/chart.umd.min.js" "$VENDOR/chartjs/chart.umd.min.js"
copy "$TMP/chart.js/package/LICENSE.md" "$VENDOR/chartjs/LICENSE.md"

# --- Sanity checks ---------------------------------------------------------
if grep -rlE 'sourceMappingURL=' "$VENDOR" --include='*.js' --include='*.css'; then
    die "sourceMappingURL left in the files above"
fi
while IFS= read -r ref; do
    [ -f "$DST/css/$ref" ] || die "unresolved url($ref) in vendored dkfds.min.css"
done < <(css_refs "$DST/css/dkfds.min.css")

# --- VERSIONS.md -----------------------------------------------------------
n_icons="$(find "$DST/img/svg-icons" -type f | wc -l | tr -d ' ')"
n_fonts="$(find "$DST/fonts" -type f -name 'IBMPlexSans-*' | wc -l | tr -d ' ')"
total_bytes="$(find "$VENDOR" -type f ! -name VERSIONS.md -exec cat {} + | wc -c | tr -d ' ')"
total="$(awk -v b="$total_bytes" 'BEGIN { printf "%.2f MiB (%d bytes, %s files)", b/1048576, b, "'"$(find "$VENDOR" -type f ! -name VERSIONS.md | wc -l | tr -d ' ')"'" }')"

cat > "$VENDOR/VERSIONS.md" <<EOF
# Vendored front-end assets

Generated by \`scripts/vendor_static.sh\` from the npm registry — do not edit by hand.
To upgrade: change the pinned versions at the top of the script and re-run it.
Trailing \`sourceMappingURL\` comments are stripped (no \`.map\` files are shipped, and
Django's manifest static storage would otherwise fail on the missing maps).
No files are loaded from a CDN at run time.

| Package | Version | Licence | Files taken (under \`static/vendor/\`) |
|---|---|---|---|
| [dkfds](https://www.npmjs.com/package/dkfds) (Det Fælles Designsystem) | ${DKFDS_VERSION} | MIT (code), OFL-1.1 (IBM Plex Sans fonts), Apache-2.0 (Material Symbols icons) | \`dkfds/css/dkfds.min.css\` ← \`dist/css/dkfds.min.css\`; \`dkfds/js/dkfds.min.js\` ← \`dist/js/dkfds.min.js\`; the ${dkfds_refs} files referenced by \`url(...)\` in the CSS, at their \`dist/\` paths: ${n_fonts} IBM Plex Sans font files under \`dkfds/fonts/IBMPlexSans/complete/\`, ${n_icons} icons under \`dkfds/img/svg-icons/\`, \`dkfds/img/logo-placeholder.png\`, \`dkfds/img/logo-header-placeholder.png\`; plus \`dkfds/img/all-svg-icons.svg\` (icon sprite for templates), \`dkfds/LICENSE.md\`, \`dkfds/fonts/IBMPlexSans/LICENSE-OFL.txt\` |
| [htmx.org](https://www.npmjs.com/package/htmx.org) | ${HTMX_VERSION} | 0BSD | \`htmx/htmx.min.js\` ← \`dist/htmx.min.js\`; \`htmx/LICENSE\` |
| [axe-core](https://www.npmjs.com/package/axe-core) | ${AXE_VERSION} | MPL-2.0 | \`axe-core/axe.min.js\` ← \`axe.min.js\`; \`axe-core/LICENSE\` |
| [chart.js](https://www.npmjs.com/package/chart.js) | ${CHARTJS_VERSION} | MIT | \`chartjs/chart.umd.min.js\` ← \`dist/chart.umd.min.js\` (UMD build, exposes \`window.Chart\`); \`chartjs/LICENSE.md\` |

Not taken: source maps, unminified builds, SCSS sources, the \`dkfds-borgerdk\`/\`dkfds-virkdk\`
theme CSS, unreferenced font formats/weights (\`otf\`, \`split/\`, Light/Thin/Text…), htmx extensions,
axe-core locales, Chart.js ESM/CJS builds, docs and typings.

## SHA-256 of the main files

| File | SHA-256 |
|---|---|
| \`dkfds/css/dkfds.min.css\` | \`$(sha256 "$DST/css/dkfds.min.css")\` |
| \`dkfds/js/dkfds.min.js\` | \`$(sha256 "$DST/js/dkfds.min.js")\` |
| \`htmx/htmx.min.js\` | \`$(sha256 "$VENDOR/htmx/htmx.min.js")\` |
| \`axe-core/axe.min.js\` | \`$(sha256 "$VENDOR/axe-core/axe.min.js")\` |
| \`chartjs/chart.umd.min.js\` | \`$(sha256 "$VENDOR/chartjs/chart.umd.min.js")\` |

Total size of \`static/vendor/\`: ${total}.
EOF

echo "Vendored into $VENDOR (${total}):"
echo "  dkfds ${DKFDS_VERSION} (${dkfds_refs} CSS-referenced assets), htmx.org ${HTMX_VERSION}, axe-core ${AXE_VERSION}, chart.js ${CHARTJS_VERSION}"
