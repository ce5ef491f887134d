#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5 SRUN_ARGS=...] \
#   tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py arguments]
# GPUS_PER_NODE=0 asks for no GPUs (tasks then run on CPUs over gloo).
# The srun call is tools/misc/slurm_run.sh's.
set -e
exec bash "$(dirname "$0")/misc/slurm_run.sh" train.py "$@"
