#!/usr/bin/env bash
# Usage: tools/misc/dist_run.sh SCRIPT NUM_PROCS [SCRIPT arguments]
# What tools/dist_train.sh and tools/dist_test.sh run: SCRIPT (train.py or
# test.py, beside this folder) in NUM_PROCS processes under torchrun
# (`python -m torch.distributed.run`, --launcher pytorch). One process per
# GPU; on a CPU-only machine the processes talk over gloo. PYTHON picks the
# python. Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and PORT on every
# node.
set -e

TOOLS="$(dirname "$0")/.."
SCRIPT=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}

PYTHONPATH="$TOOLS/..":$PYTHONPATH \
"${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" --master_port="$PORT" \
    --nproc_per_node="$GPUS" \
    "$TOOLS/$SCRIPT" --launcher pytorch "${@:3}"
