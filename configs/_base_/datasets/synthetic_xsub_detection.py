# The synthetic untrimmed sequences (10 classes, background 0), windowed as
# PKU-MMD I, loaded for the CPU demos (batch 64, in-process loading). Scored
# on the default proposals and per frame, with class 0 excluded and the frame
# scores mean-filtered over 15 frames (the window is logged with the result).
_base_ = ['./pku1_xsub_detection.py']
ann_file = 'data/synthetic/synthetic_untrimmed_3d.pkl'
num_classes = 10
train_dataloader = dict(
    batch_size=64,
    num_workers=0,  # in-process loading: fastest on small CPUs
    persistent_workers=False,
    dataset=dict(ann_file=ann_file, num_classes=num_classes))
val_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(ann_file=ann_file, num_classes=num_classes))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='PKUDetectionMetric', num_classes=num_classes),
    dict(type='SegmentationMetric', background=0, smooth=15)
]
test_evaluator = val_evaluator
