#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5 SRUN_ARGS=...] \
#   tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py arguments]
# GPUS_PER_NODE=0 asks for no GPUs (tasks then run on CPUs over gloo).
set -e

export MASTER_PORT=${MASTER_PORT:-$((12000 + RANDOM % 20000))}
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
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

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    ${GRES} \
    --ntasks="${GPUS}" \
    --ntasks-per-node="${TASKS_PER_NODE}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    python -u "$(dirname "$0")/train.py" "${CONFIG}" --launcher=slurm "${@:4}"
