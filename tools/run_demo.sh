#!/usr/bin/env bash
# The main job on the embedded data, from a fresh clone: set up the pinned
# stack, generate the synthetic skeleton dataset, pretrain the small USDRL
# demo config on it and report what it learned: linear-probe and kNN
# accuracy of the pretrained encoder next to the same encoder at random
# initialisation. Extra arguments go to the pretraining tools/train.py.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/misc/activate_env.sh
PY=python
CONFIG=configs/usdrl/mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py
BENCH=configs/usdrl/benchmarks
LINEAR=$BENCH/dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py
KNN=$BENCH/dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py
WORK_DIR=${WORK_DIR:-work_dirs/demo_pretrain}

if [ ! -f data/synthetic/synthetic_3d.pkl ]; then
    "$PY" tools/data/generate_synthetic.py --out data/synthetic --seed 0
fi
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" "$@"
"$PY" tools/analysis_tools/summarize_pretraining.py "$WORK_DIR"

# the baseline: the same encoder as initialised before pretraining
"$PY" tools/misc/init_checkpoint.py "$CONFIG" work_dirs/demo_random_init.pth \
    --seed 0 --force
EVAL_DIR=${EVAL_DIR:-work_dirs/demo_eval}
echo "[demo] linear probe and kNN of both encoders (log: $EVAL_DIR.log)"
mkdir -p work_dirs
if ! "$PY" tools/analysis_tools/eval_encoders.py --linear "$LINEAR" \
        --knn "$KNN" --work-dir "$EVAL_DIR" --encoders \
        "pretrained=$(cat "$WORK_DIR/last_checkpoint")" \
        random-init=work_dirs/demo_random_init.pth > "$EVAL_DIR.log" 2>&1
then
    tail -n 30 "$EVAL_DIR.log"
    echo "[demo] evaluation failed; the whole log is $EVAL_DIR.log" >&2
    exit 1
fi
echo "[demo] accuracy on the synthetic xsub_val split (fractions):"
cat "$EVAL_DIR/results.md"
echo "[demo] loss curves: $WORK_DIR/loss_curves.png"
