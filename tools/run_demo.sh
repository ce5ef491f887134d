#!/usr/bin/env bash
# The main job on the embedded data, from a fresh clone: set up the pinned
# stack, generate the synthetic skeleton dataset, pretrain the small USDRL
# demo config on it and report what it learned.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup_env.sh
VENV=${VENV:-.venv}
# shellcheck disable=SC1091
. "$VENV/bin/activate"
PY=python
CONFIG=configs/usdrl/mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py
WORK_DIR=${WORK_DIR:-work_dirs/demo_pretrain}

if [ ! -f data/synthetic/synthetic_3d.pkl ]; then
    "$PY" tools/data/generate_synthetic.py --out data/synthetic --seed 0
fi
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" "$@"
"$PY" tools/analysis_tools/summarize_pretraining.py "$WORK_DIR"
