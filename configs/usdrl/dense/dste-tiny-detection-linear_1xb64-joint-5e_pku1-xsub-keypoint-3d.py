# Detection and segmentation on the untrimmed PKU-MMD I sequences
# (tools/data/convert_pku_mmd.py) with the demo encoder frozen, for 2 CPU
# cores: training windows every 64 frames instead of 32, and 5 epochs.
# Detection is scored on the TPAMI code's proposals (as the PKU-MMD I paper
# configs); segmentation as in the synthetic demo (background 0 excluded,
# scores mean-filtered over 15 frames).
_base_ = [
    './dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py'
]

ann_file = 'data/skeleton/pkummd1_3d.pkl'
model = dict(
    backbone=dict(
        init_cfg=dict(checkpoint='work_dirs/'
                      'mgfd_dste-tiny_1xb64-joint-12e_pku1-xsub-keypoint-3d/'
                      'epoch_12.pth')),
    cls_head=dict(num_classes=52))
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=51, stride=64))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=51))
test_dataloader = val_dataloader
val_evaluator = [{{_base_.pku1_detection_metric}},
                 dict(type='SegmentationMetric', background=0, smooth=15)]
test_evaluator = val_evaluator

train_cfg = dict(max_epochs=5, val_begin=5, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
