# Linear evaluation of the demo encoder (mgfd_dste-tiny_...synthetic...) on
# the synthetic data: the USDRL protocol (frozen encoder in eval mode, linear
# classifier, SGD) with the demo's encoder width and a 20-epoch schedule for
# 2 CPU cores. To converge in so few epochs the pooled feature is
# standardised by a non-affine BatchNorm before the classifier (feat_norm,
# the MAE probe recipe); the model stays linear in the feature.
_base_ = [
    '../../_base_/models/dste_linear.py',
    '../../_base_/datasets/synthetic_xsub_recognition_cpu.py',
    '../../_base_/schedules/sgd_linear_20e.py',
    '../../_base_/default_runtime.py'
]
# this leaf's own: the pretraining checkpoint (a data base cannot
# add it to `model`; design.md §22)
model = dict(
    backbone=dict(
        hidden_dim=64,
        init_cfg=dict(checkpoint='work_dirs/demo_pretrain/epoch_24.pth')),
    cls_head=dict(num_classes=10, feat_norm=True))
default_hooks = dict(
    logger=dict(interval=5), checkpoint=dict(interval=20, max_keep_ckpts=1))
