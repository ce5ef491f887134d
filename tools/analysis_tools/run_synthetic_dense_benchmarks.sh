#!/usr/bin/env bash
# Reproduce the dense-prediction and early-prediction results of
# BENCHMARKS.md on the synthetic data: detection and segmentation of the
# untrimmed sequences with the frozen demo encoder (pretrained vs random
# init), and early action prediction curves. Reuses the pretraining of
# run_synthetic_benchmarks.sh when its outputs exist (same OUT folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tools/misc/activate_env.sh
OUT=${OUT:-work_dirs/benchmarks}
B=configs/usdrl/benchmarks
PRETRAIN=configs/usdrl/mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py
DENSE=configs/usdrl/dense/dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py
DENSE_FT=configs/usdrl/dense/dste-tiny-detection_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py
EARLY=$B/dste-tiny-early-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py
mkdir -p "$OUT"

[ -f data/synthetic/synthetic_untrimmed_3d.pkl ] ||
    python tools/data/generate_synthetic.py --out data/synthetic --seed 0
if [ ! -f "$OUT/pretrain/last_checkpoint" ]; then
    echo "[bench] MG-FD pretraining"
    python tools/train.py "$PRETRAIN" --work-dir "$OUT/pretrain" \
        > "$OUT/pretrain.log" 2>&1
fi
[ -f "$OUT/random_init.pth" ] ||
    python tools/misc/init_checkpoint.py "$PRETRAIN" "$OUT/random_init.pth" \
        --seed 0 > /dev/null 2>&1
PRETRAINED=$(cat "$OUT/pretrain/last_checkpoint")

echo "[bench] detection and segmentation, frozen encoder"
python tools/analysis_tools/eval_encoders.py --dense "$DENSE" --timelines \
    --encoders "pretrained=$PRETRAINED" "random-init=$OUT/random_init.pth" \
    --work-dir "$OUT/dense" > "$OUT/dense.log" 2>&1

echo "[bench] detection and segmentation, encoder fine-tuned"
python tools/analysis_tools/eval_encoders.py --dense "$DENSE_FT" \
    --encoders "pretrained=$PRETRAINED" "random-init=$OUT/random_init.pth" \
    --work-dir "$OUT/dense_finetune" > "$OUT/dense_finetune.log" 2>&1

echo "[bench] early action prediction"
for name in pretrained random-init; do
    ckpt=$PRETRAINED
    [ "$name" = random-init ] && ckpt=$OUT/random_init.pth
    python tools/train.py "$EARLY" --work-dir "$OUT/early_$name" \
        --cfg-options "model.backbone.init_cfg.checkpoint=$ckpt" \
        > "$OUT/early_$name.log" 2>&1
    python tools/analysis_tools/early_prediction.py "$EARLY" \
        "$(cat "$OUT/early_$name/last_checkpoint")" \
        --out-dir "$OUT/early_$name/curve" > "$OUT/early_${name}_curve.log" 2>&1
done

echo "[bench] results"
echo "frozen encoder:"
cat "$OUT/dense/results.md"
echo "fine-tuned encoder:"
cat "$OUT/dense_finetune/results.md"
for name in pretrained random-init; do
    echo "early prediction, $name encoder:"
    cat "$OUT/early_$name/curve/early_prediction.md"
done
