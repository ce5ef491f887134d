#!/usr/bin/env bash
# The GPU figures of BENCHMARKS.md, prepared for a machine with a GPU: one
# MG-FD pretraining step of the paper recipe (DSTE hidden 1024, 178 samples
# per GPU as in the 2 x 178 recipe, 4 views of 2 x 64 x 25 x 3) in fp32,
# bf16 autocast and fp16 autocast with loss scaling (the recipe's AMP on a
# GPU), each eager and with the encoder compiled. Every run is one
# `benchmark.py pretrain` in its own process: s / step, samples/s and
# clips/s, the FLOPs of the step and GFLOP/s, and the fraction of the GPU's
# GEMM peak in the step's precision, which the tool measures in the same
# process (square torch.mm). One JSON line per run goes to
# $OUT/pretrain.jsonl, the log of each run to $OUT/<precision>-<mode>.log.
#
#   bash tools/analysis_tools/run_gpu_benchmarks.sh
# Settings (environment): DEVICE (cuda), BATCH (178), ITERS (20), WARMUP (5),
#   PRECISIONS ("fp32 bf16 fp16"), MODES ("eager compiled"),
#   OUT (work_dirs/gpu_benchmarks), PYTHON (python), CONFIG, INPUT_SHAPE,
#   DRY_RUN=1 prints the commands only.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python}
DEVICE=${DEVICE:-cuda}
CONFIG=${CONFIG:-configs/usdrl/mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py}
BATCH=${BATCH:-178}
ITERS=${ITERS:-20}
WARMUP=${WARMUP:-5}
PRECISIONS=${PRECISIONS:-fp32 bf16 fp16}
MODES=${MODES:-eager compiled}
# per sample: 4 views x (M, T, V, C), the NTU recipe's clip
INPUT_SHAPE=${INPUT_SHAPE:-4 2 64 25 3}
OUT=${OUT:-work_dirs/gpu_benchmarks}
mkdir -p "$OUT"
RESULTS="$OUT/pretrain.jsonl"
[ -n "${DRY_RUN:-}" ] || : > "$RESULTS"

run() {
    if [ -n "${DRY_RUN:-}" ]; then
        echo "$*"
    else
        "$@"
    fi
}

for precision in $PRECISIONS; do
    case "$precision" in
        # the recipe's optimizer and schedule, without mixed precision
        fp32) options=(--cfg-options optim_wrapper.type=OptimWrapper) ;;
        bf16) options=(--cfg-options
                optim_wrapper.type=MixedPrecisionOptimWrapper
                optim_wrapper.dtype=bfloat16) ;;
        # the recipe's own: fp16 autocast with loss scaling on a GPU
        fp16) options=(--cfg-options
                optim_wrapper.type=MixedPrecisionOptimWrapper) ;;
        *)
            echo "unknown precision $precision (fp32, bf16, fp16)" >&2
            exit 2
            ;;
    esac
    for mode in $MODES; do
        case "$mode" in
            eager) compile=() ;;
            compiled) compile=(--compile) ;;
            *)
                echo "unknown mode $mode (eager, compiled)" >&2
                exit 2
                ;;
        esac
        log="$OUT/$precision-$mode.log"
        echo "[gpu] $precision $mode (log: $log)"
        # shellcheck disable=SC2086
        if ! run "$PY" tools/analysis_tools/benchmark.py pretrain "$CONFIG" \
                --device "$DEVICE" --batch-size "$BATCH" --iters "$ITERS" \
                --warmup "$WARMUP" --input-shape $INPUT_SHAPE \
                "${compile[@]}" "${options[@]}" > "$log" 2>&1; then
            tail -n 20 "$log"
            echo "[gpu] $precision $mode failed; log: $log" >&2
            exit 1
        fi
        [ -n "${DRY_RUN:-}" ] && cat "$log" && continue
        tail -n 1 "$log" >> "$RESULTS"
    done
done
[ -n "${DRY_RUN:-}" ] && exit 0
echo "[gpu] one JSON line per run: $RESULTS"
cat "$RESULTS"
