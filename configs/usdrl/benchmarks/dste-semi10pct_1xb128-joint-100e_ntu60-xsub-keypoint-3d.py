# Semi-supervised evaluation: fine-tune on 10 % of the training labels,
# a class-balanced subset fixed by seed 0 and saved to a file:
#   python tools/data/make_label_subset.py data/skeleton/ntu60_3d.pkl --split xsub_train \
#       --ratio 0.1 --seed 0 --out data/skeleton/ntu60_xsub_train_10pct_seed0.json
_base_ = ['./dste-finetune_1xb128-joint-100e_ntu60-xsub-keypoint-3d.py']
train_dataloader = dict(
    dataset=dict(
        subset_file='data/skeleton/ntu60_xsub_train_10pct_seed0.json'))
