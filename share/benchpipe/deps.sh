#!/bin/sh
# deps.sh PACKAGE... -- make sure the named Debian packages are installed.
#
# Silent and instant when nothing is missing.  As root it installs what is
# missing with apt-get; otherwise it prints the exact command and exits 2.
# Needs only sh and dpkg-query, which every Debian system has, because a
# newcomer's machine may have nothing else yet.
set -u

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "benchpipe: not a Debian system (no dpkg-query); make sure these are installed: $*" >&2
	exit 0
fi

missing=
for p in "$@"; do
	case $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "benchpipe: missing Debian packages; run:" >&2
	echo "sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 2
fi

echo "benchpipe: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # $missing is a word list on purpose
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends $missing; } >&2; then
	echo "benchpipe: apt-get failed; the missing packages are:$missing" >&2
	exit 2
fi
