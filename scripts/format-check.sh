#!/bin/sh
# format-check.sh - the C sources against .clang-format (clang-format 14).
#
#   scripts/format-check.sh          list every file clang-format would change
#                                    and show the first lines of the change; exit 1
#   scripts/format-check.sh --fix    rewrite those files in place (`make format`)
#
# Installs clang-format (scripts/install-deps.sh --format) when it is missing.
set -u
command -v clang-format >/dev/null 2>&1 || scripts/install-deps.sh --format || exit 1
fix=0
[ "${1:-}" = "--fix" ] && fix=1
status=0
n=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*'); do
    n=$((n + 1))
    if [ "$fix" -eq 1 ]; then
        clang-format -i "$f"
    elif ! clang-format "$f" | cmp -s "$f" -; then
        echo "format-check.sh: $f is not formatted (make format fixes it):" >&2
        clang-format "$f" | diff "$f" - | head -n 8 >&2
        status=1
    fi
done
[ "$status" -ne 0 ] || echo "format-check.sh: $n files formatted"
exit $status
