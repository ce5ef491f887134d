#!/usr/bin/env bash
# Reproduce the synthetic-data results of BENCHMARKS.md: MG-FD pretraining of
# the demo encoder, then linear probe, kNN, fine-tune and 10 % semi-supervised
# evaluation of the pretrained and of the randomly initialised encoder,
# MMAction2's ST-GCN trained on the same split, and a size / speed comparison
# with ST-GCN and PoseC3D. About 75 minutes on 2 CPU cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tools/misc/activate_env.sh
OUT=${OUT:-work_dirs/benchmarks}
CFG=configs/usdrl
B=$CFG/benchmarks
PRETRAIN=$CFG/mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py
STGCN=configs/baselines/stgcn_1xb16-joint-u64-10e_synthetic-xsub-keypoint-3d.py
POSEC3D=configs/baselines/slowonly_r50_1xb8-u48-10e_synthetic-xsub-keypoint-2d.py
SUBSET=data/synthetic/synthetic_xsub_train_10pct_seed0.json
mkdir -p "$OUT"

[ -f data/synthetic/synthetic_3d.pkl ] ||
    python tools/data/generate_synthetic.py --out data/synthetic --seed 0
[ -f data/synthetic/synthetic_2d.pkl ] ||
    python tools/data/generate_synthetic.py --out data/synthetic --seed 0 \
        --dim 2
[ -f "$SUBSET" ] ||
    python tools/data/make_label_subset.py data/synthetic/synthetic_3d.pkl \
        --split xsub_train --ratio 0.1 --seed 0 --out "$SUBSET"

echo "[bench] MG-FD pretraining"
python tools/train.py "$PRETRAIN" --work-dir "$OUT/pretrain" \
    > "$OUT/pretrain.log" 2>&1
python tools/analysis_tools/summarize_pretraining.py "$OUT/pretrain" \
    > "$OUT/pretrain_summary.txt"
python tools/misc/init_checkpoint.py "$PRETRAIN" "$OUT/random_init.pth" \
    --seed 0 --force > /dev/null 2>&1

echo "[bench] downstream protocols, pretrained vs random-init encoder"
python tools/analysis_tools/eval_encoders.py \
    --linear $B/dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py \
    --finetune $B/dste-tiny-finetune_1xb32-joint-20e_synthetic-xsub-keypoint-3d.py \
    --semi $B/dste-tiny-semi10pct_1xb32-joint-20e_synthetic-xsub-keypoint-3d.py \
    --knn $B/dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py \
    --encoders "pretrained=$(cat "$OUT/pretrain/last_checkpoint")" \
    "random-init=$OUT/random_init.pth" --work-dir "$OUT/eval" \
    > "$OUT/eval.log" 2>&1

echo "[bench] ST-GCN, supervised, same split"
python tools/train.py "$STGCN" --work-dir "$OUT/stgcn" > "$OUT/stgcn.log" 2>&1
python tools/test.py "$STGCN" "$(cat "$OUT/stgcn/last_checkpoint")" \
    --work-dir "$OUT/stgcn_test" > "$OUT/stgcn_test.log" 2>&1

echo "[bench] size and speed"
python tools/analysis_tools/compare_models.py \
    $B/dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py \
    $B/dste-linear_1xb512-joint-160e_synthetic-xsub-keypoint-3d.py \
    "$STGCN" "$POSEC3D" \
    --names dste-tiny-linear dste-default stgcn posec3d-slowonly-r50 \
    --checkpoints "$(cat "$OUT/eval/linear_pretrained/last_checkpoint")" \
    none "$(cat "$OUT/stgcn/last_checkpoint")" none \
    --cfg-options model.backbone.init_cfg=None \
    --out-dir "$OUT/compare" > "$OUT/compare.log" 2>&1

echo "[bench] results"
cat "$OUT/pretrain_summary.txt" "$OUT/eval/results.md" \
    "$OUT/compare/comparison.md"
grep -o 'acc/top1: [0-9.]*' "$OUT/stgcn_test.log" | tail -1 |
    sed 's/^/ST-GCN test /'
