#!/usr/bin/env bash
# Usage: tools/dist_train.sh CONFIG NUM_PROCS [train.py arguments]
# One process per GPU; on a CPU-only machine the processes talk over gloo.
# The launch (torchrun, PYTHON, NNODES / NODE_RANK / MASTER_ADDR / PORT for
# several nodes) is tools/misc/dist_run.sh's.
set -e
exec bash "$(dirname "$0")/misc/dist_run.sh" train.py "$2" "$1" "${@:3}"
