#!/usr/bin/env bash
# Does bf16 pretraining learn as well as fp32? Pretrain the demo encoder
# (mgfd_dste-tiny on the synthetic data) once in fp32 and once with bf16
# autocast (--amp: MixedPrecisionOptimWrapper, losses in fp32) for every
# seed, then run the same linear probe and kNN on all of them and print one
# table. The spread between seeds of one precision is the noise the
# difference between precisions is read against. About 10 minutes per
# pretraining and 3 per probe on 2 CPU cores.
#
#   bash tools/analysis_tools/run_precision_check.sh [--seeds 0 1]
#   OUT=work_dirs/precision_check (default)
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS=(0 1)
while [ $# -gt 0 ]; do
    case "$1" in
        --seeds)
            shift
            SEEDS=()
            while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do
                SEEDS+=("$1")
                shift
            done
            ;;
        *)
            echo "unknown argument: $1 (usage: $0 [--seeds S ...])" >&2
            exit 2
            ;;
    esac
done
[ ${#SEEDS[@]} -gt 0 ] || { echo "--seeds needs at least one seed" >&2; exit 2; }
OUT=${OUT:-work_dirs/precision_check}
PY=${PYTHON:-python}
CFG=configs/usdrl/mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py
B=configs/usdrl/benchmarks
LINEAR=$B/dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py
KNN=$B/dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py
mkdir -p "$OUT"

[ -f data/synthetic/synthetic_3d.pkl ] ||
    "$PY" tools/data/generate_synthetic.py --out data/synthetic --seed 0

ENCODERS=()
for seed in "${SEEDS[@]}"; do
    for precision in fp32 bf16; do
        name=$precision-seed$seed
        flags=(--seed "$seed")
        [ "$precision" = bf16 ] && flags+=(--amp)
        if [ ! -f "$OUT/$name/last_checkpoint" ]; then
            echo "[precision] pretraining $name (log: $OUT/$name.log)"
            "$PY" tools/train.py "$CFG" --work-dir "$OUT/$name" "${flags[@]}" \
                > "$OUT/$name.log" 2>&1 || {
                tail -n 20 "$OUT/$name.log"
                echo "[precision] $name failed; log: $OUT/$name.log" >&2
                exit 1
            }
        fi
        ENCODERS+=("$name=$(cat "$OUT/$name/last_checkpoint")")
    done
done

echo "[precision] linear probe and kNN of every encoder (log: $OUT/eval.log)"
"$PY" tools/analysis_tools/eval_encoders.py --linear "$LINEAR" --knn "$KNN" \
    --encoders "${ENCODERS[@]}" --work-dir "$OUT/eval" \
    > "$OUT/eval.log" 2>&1 || {
    tail -n 30 "$OUT/eval.log"
    echo "[precision] evaluation failed; log: $OUT/eval.log" >&2
    exit 1
}
cat "$OUT/eval/results.md"
