# Semi-supervised evaluation on the synthetic data: fine-tune the demo
# encoder on 10 % of the training labels (class-balanced, seed 0):
#   python tools/data/make_label_subset.py data/synthetic/synthetic_3d.pkl \
#       --split xsub_train --ratio 0.1 --seed 0 \
#       --out data/synthetic/synthetic_xsub_train_10pct_seed0.json
_base_ = ['./dste-tiny-finetune_1xb32-joint-20e_synthetic-xsub-keypoint-3d.py']
train_dataloader = dict(
    batch_size=16,
    dataset=dict(
        subset_file='data/synthetic/synthetic_xsub_train_10pct_seed0.json'))
auto_scale_lr = dict(base_batch_size=16)
