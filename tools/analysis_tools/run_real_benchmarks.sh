#!/usr/bin/env bash
# Benchmark MG-FD on real skeletons: convert the raw release, pretrain the
# encoder on each protocol's training clips, and evaluate it beside the same
# encoder at random initialisation under every downstream protocol (linear
# probe, kNN-1/5/20, fine-tune, 10 % semi-supervised, early prediction and,
# with untrimmed PKU-MMD sequences, detection and segmentation), cross-subject
# and cross-view; then write one results table with the class distribution of
# the data found, and the pictures (t-SNE, detection timelines, early-
# prediction curves).
#
#   bash tools/analysis_tools/run_real_benchmarks.sh --pku-root DIR \
#       [--recipe tiny|smoke|paper] [--seeds 0 1] [--out DIR] [--dry-run]
#   bash tools/analysis_tools/run_real_benchmarks.sh --ntu-root DIR \
#       [--ntu-dataset ntu60|ntu120] ...
#
# --pku-root  PKU-MMD part I as released: PKU_Skeleton_Renew/,
#             Train_Label_PKU_final/, cross-subject.txt, cross-view.txt
#             (also under split/); videos without a skeleton file are skipped
# --ntu-root  raw .skeleton files (or their nturgb+d_skeletons/ folder), or
#             UmURL-style arrays {protocol}/{train,val}_data_joint.npy
#             + _label.pkl [+ _num_frame.npy]
# --recipe    tiny: the demo encoder for 2 CPU cores (default); smoke: tiny
#             for one epoch, to check that every step runs; paper: the
#             published recipe, for GPUs (--gpus N pretrains on N GPUs)
# --seeds     one run per seed and protocol (default 0); the table shows
#             each seed and the mean
# --protocols default: xsub xview (NTU-120: xsub xset)
# --out       default: work_dirs/real_benchmarks/RECIPE
# --dry-run   print the commands, run nothing
#
# Writes OUT/DATASET/results.md and results.json; every step's log is in
# the run's folder (OUT/DATASET/PROTOCOL/seedS/). Finished steps are skipped
# when the command is run again; delete OUT to start over.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
# die STATUS MESSAGE: print "error: MESSAGE" and exit
die() {
    echo "error: $2" >&2
    exit "$1"
}

PKU_ROOT=
NTU_ROOT=
NTU_DATASET=ntu60
RECIPE=tiny
SEEDS=(0)
PROTOCOLS=()
OUT=
GPUS=1
DRY_RUN=0
while [ $# -gt 0 ]; do
    case $1 in
    --pku-root) PKU_ROOT=$2 && shift 2 ;;
    --ntu-root) NTU_ROOT=$2 && shift 2 ;;
    --ntu-dataset) NTU_DATASET=$2 && shift 2 ;;
    --recipe) RECIPE=$2 && shift 2 ;;
    --out) OUT=$2 && shift 2 ;;
    --gpus) GPUS=$2 && shift 2 ;;
    --dry-run) DRY_RUN=1 && shift ;;
    --seeds | --protocols)
        name=$1 && shift
        values=()
        while [ $# -gt 0 ] && [[ $1 != --* ]]; do
            values+=("$1") && shift
        done
        [ ${#values[@]} -gt 0 ] || die 2 "$name needs values"
        if [ "$name" = --seeds ]; then
            SEEDS=("${values[@]}")
        else
            PROTOCOLS=("${values[@]}")
        fi
        ;;
    -h | --help) usage && exit 0 ;;
    *) die 2 "unknown argument $1 (see --help)" ;;
    esac
done
[ -n "$PKU_ROOT$NTU_ROOT" ] ||
    die 2 'give --pku-root DIR and/or --ntu-root DIR (see --help)'
case $RECIPE in
tiny | smoke | paper) ;;
*) die 2 "--recipe is tiny, smoke or paper, not $RECIPE" ;;
esac
case $NTU_DATASET in
ntu60 | ntu120) ;;
*) die 2 "--ntu-dataset is ntu60 or ntu120, not $NTU_DATASET" ;;
esac
[[ $GPUS =~ ^[1-9][0-9]*$ ]] || die 2 "--gpus is a number of GPUs, not $GPUS"
OUT=${OUT:-work_dirs/real_benchmarks/$RECIPE}

if [ "$DRY_RUN" = 0 ] && [ -z "${PYTHON:-}" ]; then
    [ -x "${VENV:-.venv}/bin/python" ] || bash tools/setup_env.sh
    # shellcheck disable=SC1091
    . "${VENV:-.venv}/bin/activate"
fi
PY=${PYTHON:-python}

# step NAME LOG MARKER COMMAND...: print the command and, unless --dry-run
# or MARKER exists (the step finished before), run it with its output in
# LOG, then touch MARKER and append its wall time to $TIMINGS
step() {
    local name=$1 log=$2 marker=$3 start
    shift 3
    if [ -n "$marker" ] && [ -e "$marker" ]; then
        echo "[bench] $name: done before, skipped"
        return 0
    fi
    echo "[bench] $name"
    echo "    $*"
    [ "$DRY_RUN" = 1 ] && return 0
    mkdir -p "$(dirname "$log")"
    start=$SECONDS
    if ! "$@" > "$log" 2>&1; then
        echo "error: $name failed; the end of $log:" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    [ -z "$marker" ] || touch "$marker"
    printf '%s\t%s\n' "$name" $((SECONDS - start)) >> "$TIMINGS"
    echo "    $((SECONDS - start)) s"
}

# convert_pku ROOT DATA_DIR: the untrimmed and the trimmed pickle
convert_pku() {
    local root=$1 data=$2 skel lab protocol name file split_args=()
    for dir in PKU_Skeleton_Renew Train_Label_PKU_final; do
        [ -d "$root/$dir" ] || die 1 "$root/$dir not found; --pku-root must \
hold PKU_Skeleton_Renew/ and Train_Label_PKU_final/ as the release unpacks them"
    done
    skel=$(find "$root/PKU_Skeleton_Renew" -maxdepth 1 -name '*.txt' | wc -l)
    lab=$(find "$root/Train_Label_PKU_final" -maxdepth 1 -name '*.txt' | wc -l)
    echo "[bench] PKU-MMD I: $skel skeleton files found for $lab label files" \
        "(labelled videos without skeletons are skipped)"
    for pair in xsub:cross-subject xview:cross-view; do
        protocol=${pair%%:*} name=${pair#*:} file=
        for f in "$root/$name.txt" "$root/split/$name.txt"; do
            [ -f "$f" ] && file=$f && break
        done
        if [ -n "$file" ]; then
            split_args+=("--$protocol-split" "$file")
        else
            echo "[bench] warning: no $name.txt in $root:" \
                "$protocol by the converter's default rule"
            [ "$protocol" = xview ] || split_args+=(--xsub-val-ids 291-334)
        fi
    done
    step "convert PKU-MMD I" "$data/convert.log" "$data/.done_convert" \
        "$PY" tools/data/convert_pku_mmd.py \
        --skeletons "$root/PKU_Skeleton_Renew" \
        --labels "$root/Train_Label_PKU_final" "${split_args[@]}" \
        --out "$data/pkummd1_3d.pkl" \
        --trimmed-out "$data/pkummd1_3d_trimmed.pkl" --drop-empty-splits --force
}

# convert_ntu ROOT DATA_DIR NUM_CLASSES PROTOCOL...: the clips' pickle
convert_ntu() {
    local root=$1 data=$2 classes=$3 skeletons= stem ignore=() args=()
    shift 3
    local out=$data/${NTU_DATASET}_3d.pkl
    for d in "$root" "$root/nturgb+d_skeletons"; do
        [ -d "$d" ] || continue
        if [ -n "$(find "$d" -maxdepth 1 -name '*.skeleton' -print -quit)" ]
        then
            skeletons=$d && break
        fi
    done
    if [ -n "$skeletons" ]; then
        for f in "$root"/NTU_RGBD*_samples_with_missing_skeletons.txt; do
            [ ! -f "$f" ] || ignore=(--ignore-list "$f")
        done
        step "convert $NTU_DATASET (raw .skeleton files)" "$data/convert.log" \
            "$data/.done_convert" "$PY" tools/data/convert_ntu_rgbd.py \
            --skeletons "$skeletons" --dataset "$NTU_DATASET" \
            --body-selection original "${ignore[@]}" --drop-empty-splits \
            --out "$out" --force
    elif [ -f "$root/$1/train_data_joint.npy" ]; then
        for protocol in "$@"; do
            for part in train val; do
                stem=$root/$protocol/${part}_
                [ -f "${stem}data_joint.npy" ] ||
                    die 1 "${stem}data_joint.npy not found"
                args+=(--split "${protocol}_$part" "${stem}data_joint.npy"
                    "${stem}label.pkl")
                [ ! -f "${stem}num_frame.npy" ] ||
                    args+=("${stem}num_frame.npy")
            done
        done
        step "convert $NTU_DATASET (.npy arrays)" "$data/convert.log" \
            "$data/.done_convert" "$PY" tools/data/convert_skeleton_npy.py \
            "${args[@]}" --layout nturgb+d --num-classes "$classes" \
            --out "$out" --force
    else
        die 1 "$root holds neither .skeleton files (or nturgb+d_skeletons/) \
nor $1/train_data_joint.npy"
    fi
}

# benchmark DATASET RAW_ROOT TRIMMED UNTRIMMED PROTOCOL...: every run, then
# the report
benchmark() {
    local dataset=$1 raw=$2 trimmed=$3 untrimmed=$4 run=$OUT/$1
    local ratios=() dense=() train dir cfg pretrained tasks encoders
    shift 4
    local protocols=("$@")
    [ -z "$untrimmed" ] || dense=(--untrimmed "$untrimmed")
    [ "$RECIPE" != smoke ] || ratios=(--early-ratios 0.5 1.0)
    step "$dataset: write the configs of every run" "$run/prepare.log" "" \
        "$PY" tools/analysis_tools/prepare_real_benchmarks.py \
        --dataset "$dataset" --recipe "$RECIPE" --trimmed "$trimmed" \
        "${dense[@]}" --raw-root "$raw" --protocols "${protocols[@]}" \
        --seeds "${SEEDS[@]}" --out-dir "$run"
    for protocol in "${protocols[@]}"; do
        for seed in "${SEEDS[@]}"; do
            dir=$run/$protocol/seed$seed
            cfg=$dir/configs
            local name="$dataset $protocol seed $seed"
            if [ "$GPUS" -gt 1 ]; then
                train=(bash tools/dist_train.sh "$cfg/pretrain.py" "$GPUS")
            else
                train=("$PY" tools/train.py "$cfg/pretrain.py")
            fi
            step "$name: MG-FD pretraining" "$dir/pretrain.log" \
                "$dir/.done_pretrain" \
                "${train[@]}" --work-dir "$dir/pretrain" --resume
            step "$name: random-init encoder" "$dir/random_init.log" \
                "$dir/.done_random_init" \
                "$PY" tools/misc/init_checkpoint.py "$cfg/pretrain.py" \
                "$dir/random_init.pth" --seed "$seed" --force
            if [ "$DRY_RUN" = 1 ]; then
                pretrained="\$(cat $dir/pretrain/last_checkpoint)"
            else
                pretrained=$(cat "$dir/pretrain/last_checkpoint")
            fi
            encoders=("pretrained=$pretrained"
                "random-init=$dir/random_init.pth")
            tasks=(--linear "$cfg/linear.py" --finetune "$cfg/finetune.py"
                --semi "$cfg/semi.py" --knn "$cfg/knn.py"
                --early "$cfg/early.py")
            [ -z "$untrimmed" ] || tasks+=(--dense "$cfg/dense.py" --timelines)
            step "$name: downstream protocols, both encoders" \
                "$dir/eval.log" "$dir/.done_eval" \
                "$PY" tools/analysis_tools/eval_encoders.py "${tasks[@]}" \
                "${ratios[@]}" --encoders "${encoders[@]}" \
                --work-dir "$dir/eval"
            if [ "$seed" = "${SEEDS[0]}" ]; then
                step "$name: t-SNE of both encoders" "$dir/tsne.log" \
                    "$dir/.done_tsne" \
                    "$PY" tools/analysis_tools/tsne_features.py \
                    "$cfg/linear.py" --encoders "${encoders[@]}" \
                    --seed "$seed" --out "$dir/tsne.png"
            fi
        done
    done
    step "$dataset: results table" "$run/report.log" "" \
        "$PY" tools/analysis_tools/real_benchmark_report.py "$run"
    [ "$DRY_RUN" = 1 ] || echo "[bench] $run/results.md, $run/results.json"
}

if [ -n "$PKU_ROOT" ]; then
    [ -d "$PKU_ROOT" ] || die 1 "--pku-root $PKU_ROOT is not a folder"
    TIMINGS=$OUT/pku1/timings.tsv
    [ "$DRY_RUN" = 1 ] || mkdir -p "$OUT/pku1/data"
    convert_pku "$PKU_ROOT" "$OUT/pku1/data"
    protocols=(xsub xview)
    [ ${#PROTOCOLS[@]} -eq 0 ] || protocols=("${PROTOCOLS[@]}")
    benchmark pku1 "$PKU_ROOT" "$OUT/pku1/data/pkummd1_3d_trimmed.pkl" \
        "$OUT/pku1/data/pkummd1_3d.pkl" "${protocols[@]}"
fi
if [ -n "$NTU_ROOT" ]; then
    [ -d "$NTU_ROOT" ] || die 1 "--ntu-root $NTU_ROOT is not a folder"
    TIMINGS=$OUT/$NTU_DATASET/timings.tsv
    [ "$DRY_RUN" = 1 ] || mkdir -p "$OUT/$NTU_DATASET/data"
    protocols=(xsub xview) classes=60
    [ "$NTU_DATASET" = ntu60 ] || protocols=(xsub xset) classes=120
    [ ${#PROTOCOLS[@]} -eq 0 ] || protocols=("${PROTOCOLS[@]}")
    convert_ntu "$NTU_ROOT" "$OUT/$NTU_DATASET/data" "$classes" \
        "${protocols[@]}"
    benchmark "$NTU_DATASET" "$NTU_ROOT" \
        "$OUT/$NTU_DATASET/data/${NTU_DATASET}_3d.pkl" "" "${protocols[@]}"
fi
