#!/bin/sh
# submit.sh SHARED [TASKS] - queue the suite as a job array of TASKS tasks
# (default 2), one node each, and collect.sh to run when they have all
# ended (afterany: a node that failed leaves its file out, not the report).
# Prints the two job ids.
#
#   examples/slurm/submit.sh /shared/bench/$(date +%F) 8
#
# SHARED must be a directory every node sees (NFS, Lustre, ...).
set -eu
shared=${1:?usage: submit.sh SHARED [TASKS]}
tasks=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$shared"
shared=$(cd "$shared" && pwd)
suite=${SUITE:-$here/../suite/Makefile}
suite=$(cd "$(dirname "$suite")" && pwd)/$(basename "$suite")

array=$(SUITE=$suite sbatch --parsable --array="0-$((tasks - 1))" \
    --output="$shared/benchpipe-%A_%a.log" "$here/suite.sbatch" "$shared")
collect=$(sbatch --parsable --dependency="afterany:${array%%;*}" \
    --job-name=benchpipe-collect --output="$shared/collect.log" \
    --wrap="'$here/collect.sh' '$shared'")
echo "$array $collect"
