# Semi-supervised evaluation on PKU-MMD I: fine-tune on 10 % of the
# cross-subject training labels (class-balanced, seed 0):
#   python tools/data/make_label_subset.py data/skeleton/pkummd1_3d_trimmed.pkl \
#       --split xsub_train --ratio 0.1 --seed 0 \
#       --out data/skeleton/pkummd1_xsub_train_10pct_seed0.json
_base_ = ['./dste-finetune_1xb128-joint-100e_pku1-xsub-keypoint-3d.py']
train_dataloader = dict(
    dataset=dict(
        subset_file='data/skeleton/pkummd1_xsub_train_10pct_seed0.json'))
