# The demo fine-tuning on 10 % of the PKU-MMD I cross-subject training labels
# (class-balanced, at least one clip per class, seed 0):
#   python tools/data/make_label_subset.py data/skeleton/pkummd1_3d_trimmed.pkl \
#       --split xsub_train --ratio 0.1 --seed 0 \
#       --out data/skeleton/pkummd1_xsub_train_10pct_seed0.json
_base_ = ['./dste-tiny-finetune_1xb32-joint-10e_pku1-xsub-keypoint-3d.py']
train_dataloader = dict(
    batch_size=16,
    dataset=dict(
        subset_file='data/skeleton/pkummd1_xsub_train_10pct_seed0.json'))
auto_scale_lr = dict(base_batch_size=16)
