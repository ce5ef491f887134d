#!/usr/bin/env bash
# Usage: tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS [test.py arguments]
# The launch (torchrun, PYTHON, NNODES / NODE_RANK / MASTER_ADDR / PORT for
# several nodes) is tools/misc/dist_run.sh's.
set -e
exec bash "$(dirname "$0")/misc/dist_run.sh" test.py "$3" "$1" "$2" "${@:4}"
