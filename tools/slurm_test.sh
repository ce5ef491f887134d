#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5 SRUN_ARGS=...] \
#   tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args]
# The srun call is tools/misc/slurm_run.sh's.
set -e
exec bash "$(dirname "$0")/misc/slurm_run.sh" test.py "$@"
