# Detection and segmentation on the synthetic untrimmed sequences with the
# demo encoder frozen; a schedule for 2 CPU cores (the synthetic sequences use
# 10 classes; background is class 0). As in the synthetic linear probe, frame
# features are standardised (feat_norm) so encoders of different feature
# scales train alike in 15 epochs; segmentation mean-filters the frame scores
# over 15 frames before the argmax (the window is logged with the result).
_base_ = ['./dste-detection-linear_1xb512-joint-150e_pku1-xsub-keypoint-3d.py']

ann_file = 'data/synthetic/synthetic_untrimmed_3d.pkl'
model = dict(
    backbone=dict(
        hidden_dim=64,
        init_cfg=dict(checkpoint='work_dirs/demo_pretrain/epoch_24.pth')),
    cls_head=dict(num_classes=11, feat_norm=True))
train_dataloader = dict(
    batch_size=64,
    num_workers=0,  # in-process loading: fastest on small CPUs
    persistent_workers=False,
    dataset=dict(ann_file=ann_file, num_classes=10))
val_dataloader = dict(
    batch_size=64,
    num_workers=0,  # in-process loading: fastest on small CPUs
    persistent_workers=False,
    dataset=dict(ann_file=ann_file, num_classes=10))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='PKUDetectionMetric', num_classes=10),
    dict(type='SegmentationMetric', background=0, smooth=15)
]
test_evaluator = val_evaluator

optim_wrapper = dict(optimizer=dict(lr=0.1))
train_cfg = dict(max_epochs=15, val_begin=15, val_interval=15)
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=15, max_keep_ckpts=1))
auto_scale_lr = dict(base_batch_size=64)
