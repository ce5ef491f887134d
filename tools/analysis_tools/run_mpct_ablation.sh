#!/usr/bin/env bash
# Ablation of MPCT (our interpretation of the TPAMI paper's multi-view and
# multi-modal consistency training, docs/mpct.md) on the synthetic data:
# pretrain the tiny J+M+B single model four times (MG-FD only, + multi-view,
# + multi-modal, + both), then linear-probe and kNN-evaluate each encoder and
# the same encoder at random initialisation, and print one markdown table.
# About 30 minutes on 2 free CPU cores. Extra arguments go to every
# pretraining tools/train.py (e.g. --cfg-options randomness.seed=1).
#
#   OUT=work_dirs/mpct_ablation    where runs, logs and results go
#   FORCE=1                        retrain variants that already finished
set -euo pipefail
cd "$(dirname "$0")/../.."
. tools/misc/activate_env.sh
OUT=${OUT:-work_dirs/mpct_ablation}
CFG=configs/usdrl
SUFFIX=_1xb64-jmb-24e_synthetic-xsub-keypoint-3d.py
B=$CFG/benchmarks
LINEAR=$B/dste-tiny-linear_1xb64-jmb-20e_synthetic-xsub-keypoint-3d.py
KNN=$B/dste-tiny-knn_1xb128-jmb_synthetic-xsub-keypoint-3d.py
# name:config prefix; the names become the rows of the table
VARIANTS="mgfd-only:mpct_dste-tiny-mgfdonly mgfd+mv:mpct_dste-tiny-mv \
mgfd+mm:mpct_dste-tiny-mm mgfd+mv+mm:mpct_dste-tiny"
mkdir -p "$OUT"

[ -f data/synthetic/synthetic_3d.pkl ] ||
    python tools/data/generate_synthetic.py --out data/synthetic --seed 0

ENCODERS=()
for variant in $VARIANTS; do
    name=${variant%%:*}
    config=$CFG/${variant#*:}$SUFFIX
    if [ -n "${FORCE:-}" ] || [ ! -f "$OUT/$name/epoch_24.pth" ]; then
        echo "[mpct] pretraining $name: $config (log: $OUT/$name.log)"
        python tools/train.py "$config" --work-dir "$OUT/$name" "$@" \
            > "$OUT/$name.log" 2>&1
    else
        echo "[mpct] reusing $OUT/$name (FORCE=1 retrains it)"
    fi
    ENCODERS+=("$name=$OUT/$name/epoch_24.pth")
done
python tools/misc/init_checkpoint.py "$CFG/mpct_dste-tiny$SUFFIX" \
    "$OUT/random_init.pth" --seed 0 --force > /dev/null 2>&1
ENCODERS+=("random-init=$OUT/random_init.pth")

echo "[mpct] linear probe and kNN of every encoder (log: $OUT/eval.log)"
python tools/analysis_tools/eval_encoders.py --linear "$LINEAR" --knn "$KNN" \
    --encoders "${ENCODERS[@]}" --work-dir "$OUT/eval" > "$OUT/eval.log" 2>&1

python -W ignore - "$OUT" "$CFG" "$SUFFIX" $VARIANTS <<'EOF' | tee "$OUT/table.md"
import glob
import json
import os.path as osp
import sys

from mmengine.config import Config

out, cfg_dir, suffix, variants = sys.argv[1], sys.argv[2], sys.argv[3], \
    sys.argv[4:]
results = json.load(open(osp.join(out, 'eval', 'results.json')))['results']


def clips_per_sample(cfg):
    """Clips through the encoder per training sample and step."""
    views = [
        t.num_views for t in cfg.train_dataloader.dataset.pipeline
        if t.type == 'SkeletonMultiView'
    ][0]
    head, model = cfg.model.head, cfg.model
    virtual = model.num_virtual_views if head.loss_view.loss_weight else 0
    modal = model.num_modal_views * len(model.data_preprocessor.modality) \
        if head.loss_modal.loss_weight else 0
    return views + virtual + modal


def fastest_iteration(work_dir):
    """Fastest logged s/iter (a mean over the logging interval): wall time
    on a shared machine also measures the other jobs."""
    times = [
        json.loads(line).get('time', float('inf'))
        for path in glob.glob(osp.join(work_dir, '*', 'vis_data',
                                       'scalars.json'))
        for line in open(path) if line.strip()
    ]
    return min(times) if times else float('nan')


print('| encoder (J+M+B single model) | multi-view weight | multi-modal '
      'weight | encoder clips per sample | pretraining s/iter (fastest) | '
      'linear probe | kNN, k = 1 |')
print('|---|---|---|---|---|---|---|')
rows = [v.split(':') for v in variants] + [['random-init', None]]
for name, prefix in rows:
    cells = ['-'] * 4
    if prefix:
        cfg = Config.fromfile(osp.join(cfg_dir, prefix + suffix))
        cells = [
            cfg.model.head.loss_view.loss_weight,
            cfg.model.head.loss_modal.loss_weight,
            clips_per_sample(cfg),
            f'{fastest_iteration(osp.join(out, name)):.2f}'
        ]
    r = results[name]
    print(f'| {name} | ' + ' | '.join(map(str, cells)) +
          f' | {r["linear/top1"]:.4f} | {r["knn/top1_k1"]:.4f} |')
EOF
echo "[mpct] all metrics (kNN k = 5, 20 too): $OUT/eval/results.json"
