# Detection and segmentation on the synthetic untrimmed sequences with the
# demo encoder frozen; a schedule for 2 CPU cores (the synthetic sequences use
# 10 classes; background is class 0). As in the synthetic linear probe, frame
# features are standardised (feat_norm) so encoders of different feature
# scales train alike in 15 epochs; segmentation mean-filters the frame scores
# over 15 frames before the argmax (the window is logged with the result).
_base_ = [
    '../../_base_/models/dste_dense.py',
    '../../_base_/datasets/synthetic_xsub_detection.py',
    '../../_base_/schedules/sgd_dense_15e.py',
    '../../_base_/default_runtime.py'
]
model = dict(
    backbone=dict(
        frozen=True,
        hidden_dim=64,
        init_cfg=dict(checkpoint='work_dirs/demo_pretrain/epoch_24.pth')),
    cls_head=dict(num_classes=11, feat_norm=True))
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=15, max_keep_ckpts=1))
