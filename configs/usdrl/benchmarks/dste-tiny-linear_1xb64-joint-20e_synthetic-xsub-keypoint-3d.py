# Linear evaluation of the demo encoder (mgfd_dste-tiny_...synthetic...) on
# the synthetic data: the USDRL protocol (frozen encoder in eval mode, linear
# classifier, SGD) with the demo's encoder width and a 20-epoch schedule for
# 2 CPU cores. To converge in so few epochs the pooled feature is
# standardised by a non-affine BatchNorm before the classifier (feat_norm,
# the MAE probe recipe); the model stays linear in the feature.
_base_ = ['./dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d.py']

ann_file = 'data/synthetic/synthetic_3d.pkl'
model = dict(
    backbone=dict(
        hidden_dim=64,
        init_cfg=dict(checkpoint='work_dirs/demo_pretrain/epoch_24.pth')),
    cls_head=dict(num_classes=10, feat_norm=True))
train_dataloader = dict(
    batch_size=64,
    num_workers=0,  # in-process loading: fastest on small CPUs
    persistent_workers=False,
    dataset=dict(ann_file=ann_file, num_classes=10))
val_dataloader = dict(
    batch_size=128,
    num_workers=0,  # in-process loading: fastest on small CPUs
    persistent_workers=False,
    dataset=dict(ann_file=ann_file, num_classes=10))
test_dataloader = val_dataloader

optim_wrapper = dict(optimizer=dict(lr=0.1))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[12, 16], gamma=0.1)
]
train_cfg = dict(max_epochs=20, val_begin=10, val_interval=10)
default_hooks = dict(logger=dict(interval=5))
auto_scale_lr = dict(base_batch_size=64)
