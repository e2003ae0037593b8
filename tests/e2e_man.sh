#!/bin/sh
# e2e_man.sh - the manual page, docs/hnsim.1, renders without a warning and
# cannot fall behind the binary.
#
# The page is rendered by man-db (`man --warnings=w -l`: every groff
# warning) and, where mandoc is installed, linted by `mandoc -T lint`; any
# message fails. Then everything `hnsim --help` and `hnsim COMMAND --help`
# name must be in the page: each command (read from the usage lines of
# `hnsim --help`, so a command added later is checked without touching this
# script) in the SYNOPSIS and as a subsection of its own; each option
# (every --long word of the help texts, and the -x of each option line) as
# the head of a list item (`.It ... Fl x`, so the check reads the mdoc
# source) and in the rendered text; each exit status of `hnsim --help` in
# EXIT STATUS; and the version in the page's footer. Finally the checks
# are shown to bite: a page with an unknown macro, a page without the
# --vary item, and a help text naming a command and option the page lacks
# must each fail.
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
PAGE=docs/hnsim.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

if ! command -v man >/dev/null 2>&1; then
    echo "FAIL: no man command: install the Debian package man-db (scripts/install-deps.sh does)"
    exit 1
fi

# render SRC TXT: SRC as plain ASCII text, 80 columns, into TXT; every
# warning of man and groff, and of mandoc's lint when it is installed, into
# TXT.warn. Status 0 when there is none.
render() {
    env -u MAN_KEEP_FORMATTING LC_ALL=C MANWIDTH=80 man --warnings=w -l "$1" >"$2" 2>"$2.warn" ||
        echo "man exited with status $?" >>"$2.warn"
    if command -v mandoc >/dev/null 2>&1; then
        mandoc -T lint -W warning "$1" >>"$2.warn" 2>&1
    fi
    [ ! -s "$2.warn" ] && [ -s "$2" ]
}

# gather_help DIR: `hnsim --help` into DIR/top, and for each command its
# usage lines name, `hnsim COMMAND --help` into DIR/help.COMMAND.
gather_help() {
    mkdir -p "$1"
    $HNSIM --help >"$1/top" 2>&1 || echo "FAIL: hnsim --help exited with status $?"
    for c in $(commands_of "$1/top"); do
        $HNSIM "$c" --help >"$1/help.$c" 2>&1 || echo "FAIL: hnsim $c --help exited with status $?"
    done
}

# commands_of TOP: the commands of the usage lines of a `hnsim --help`
# ("usage: hnsim run ...", "       hnsim solve ..."), one a line.
commands_of() {
    sed -n 's/^\(usage:\)\{0,1\} *hnsim \([a-z][a-z0-9-]*\)\( .*\)\{0,1\}$/\2/p' "$1"
}

# long_options FILE...: every --word of the help texts; short_options FILE...:
# the -x of each option line ("  -o, --output FILE").
long_options() {
    cat "$@" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}
short_options() {
    cat "$@" | sed -n 's/^ *\(-[A-Za-z]\), --.*/\1/p' | sort -u
}

# section TXT NAME: the lines of the rendered section NAME (to the next heading).
section() {
    awk -v name="$2" '$0 == name { on = 1; next } /^[A-Z]/ { on = 0 } on' "$1"
}

# covers SRC TXT HELPDIR: prints "missing: ..." for each command, option,
# exit status or version of the help texts in HELPDIR that the page (mdoc
# source SRC, rendered TXT) lacks; status 1 when any is missing.
covers() {
    _src=$1 _txt=$2 _dir=$3 _missing=0
    section "$_txt" SYNOPSIS >"$_txt.synopsis"
    for c in $(commands_of "$_dir/top"); do
        grep -Eq "^ +hnsim $c( |\$)" "$_txt.synopsis" ||
            { echo "missing: command $c in SYNOPSIS"; _missing=1; }
        grep -qx "   hnsim $c" "$_txt" ||
            { echo "missing: a subsection 'hnsim $c' (.Ss hnsim $c)"; _missing=1; }
    done
    for o in $(long_options "$_dir"/*); do
        name=${o#--}
        grep -Eq "^\\.It (.* )?Fl -$name( |\$)" "$_src" ||
            { echo "missing: option $o as a list item (.It Fl -$name)"; _missing=1; }
        grep -Eq -- "(^|[^a-z-])$o([^a-z-]|\$)" "$_txt" ||
            { echo "missing: option $o in the rendered page"; _missing=1; }
    done
    for o in $(short_options "$_dir"/*); do
        letter=${o#-}
        grep -Eq "^\\.It (.* )?Fl $letter( |\$)" "$_src" ||
            { echo "missing: option $o as a list item (.It Fl $letter)"; _missing=1; }
    done
    section "$_txt" "EXIT STATUS" >"$_txt.exit"
    statuses=$(sed -n '/^Exit status:/,$p' "$_dir/top" | grep -oE '(^|[:,] *)[0-9]+ [a-z]' | grep -oE '[0-9]+')
    [ -n "$statuses" ] || { echo "missing: no exit status found in hnsim --help"; _missing=1; }
    for n in $statuses; do
        grep -Eq "^ +$n( |\$)" "$_txt.exit" || { echo "missing: exit status $n in EXIT STATUS"; _missing=1; }
    done
    version=$($HNSIM --version)
    tail -n 1 "$_txt" | grep -q "^$version " ||
        { echo "missing: '$version' (hnsim --version) in the footer: .Os $version"; _missing=1; }
    return $_missing
}

# The page as it is.
render "$PAGE" "$tmp/page.txt"
check "the page renders without a warning" 0 $?
cat "$tmp/page.txt.warn"
command -v mandoc >/dev/null 2>&1 || echo "SKIP: mandoc -T lint (mandoc is not installed)"
gather_help "$tmp/help" >"$tmp/out"
[ ! -s "$tmp/out" ] && echo "ok: every --help answers" || { cat "$tmp/out"; fail=1; }
for c in run compare solve check; do
    commands_of "$tmp/help/top" | grep -qx "$c" && echo "ok: hnsim --help names $c" ||
        { echo "FAIL: the usage lines of hnsim --help do not give $c"; fail=1; }
done
long_options "$tmp/help"/* | grep -qx -- --swing-iterations &&
    short_options "$tmp/help"/* | grep -qx -- -o &&
    echo "ok: options are read from the help texts" ||
    { echo "FAIL: options not read from the help texts"; fail=1; }
covers "$PAGE" "$tmp/page.txt" "$tmp/help" >"$tmp/out"
check "the page lists every command, option and exit status of --help" 0 $?
cat "$tmp/out"
grep_check "the page names the installed scenario library" "/usr/local/share/hnsim/scenarios" "$tmp/page.txt"

# The checks bite: an unknown macro is a warning.
awk '/^\.Sh EXAMPLES$/ { print ".frobnicate" } { print }' "$PAGE" >"$tmp/bad-macro.1"
render "$tmp/bad-macro.1" "$tmp/bad-macro.txt"
check "a page with an unknown macro is refused" 1 $?
grep_check "the warning names the macro" "frobnicate" "$tmp/bad-macro.txt.warn"

# An option the page lost, and a command and an option added to the binary.
grep -v '^\.It Fl -vary ' "$PAGE" >"$tmp/no-vary.1"
render "$tmp/no-vary.1" "$tmp/no-vary.txt"
covers "$tmp/no-vary.1" "$tmp/no-vary.txt" "$tmp/help" >"$tmp/out"
check "a page without the --vary item is refused" 1 $?
grep_check "the refusal names --vary" "missing: option --vary as a list item" "$tmp/out"
cp -r "$tmp/help" "$tmp/help-new"
# (`hnsim new` is real now: a command no page will have stands in for one added later.)
printf '       hnsim fictional NAME [-o FILE.ini]\n' >>"$tmp/help-new/top"
printf 'usage: hnsim fictional NAME [-o FILE.ini] [--force]\n\n  -f, --force   replace FILE.ini\n' \
    >"$tmp/help-new/help.fictional"
covers "$PAGE" "$tmp/page.txt" "$tmp/help-new" >"$tmp/out"
check "a command the page lacks is refused" 1 $?
grep_check "the refusal names the command" "missing: a subsection 'hnsim fictional'" "$tmp/out"
grep_check "the refusal names its option" "missing: option --force as a list item" "$tmp/out"
grep_check "the refusal names its short option" "missing: option -f as a list item" "$tmp/out"
exit $fail
