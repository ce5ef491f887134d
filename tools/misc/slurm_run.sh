#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5 SRUN_ARGS=...] \
#   tools/misc/slurm_run.sh SCRIPT PARTITION JOB_NAME [SCRIPT arguments]
# What tools/slurm_train.sh and tools/slurm_test.sh run: SCRIPT (train.py or
# test.py, beside this folder) as GPUS slurm tasks (--launcher=slurm).
# GPUS_PER_NODE=0 asks for no GPUs (tasks then run on CPUs over gloo).
set -e

TOOLS="$(dirname "$0")/.."
SCRIPT=$1
PARTITION=$2
JOB_NAME=$3
export MASTER_PORT=${MASTER_PORT:-$((12000 + RANDOM % 20000))}
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
TASKS_PER_NODE=${TASKS_PER_NODE:-$GPUS_PER_NODE}
if [ "$TASKS_PER_NODE" -lt 1 ]; then
    echo "GPUS_PER_NODE=0: set TASKS_PER_NODE (processes per node)" >&2; exit 1
fi
GRES=""
if [ "$GPUS_PER_NODE" -gt 0 ]; then GRES="--gres=gpu:${GPUS_PER_NODE}"; fi

PYTHONPATH="$TOOLS/..":$PYTHONPATH \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    ${GRES} \
    --ntasks="${GPUS}" \
    --ntasks-per-node="${TASKS_PER_NODE}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    python -u "$TOOLS/$SCRIPT" --launcher=slurm "${@:4}"
