# Early action prediction with the demo encoder on the PKU-MMD I action
# clips, cross-subject, 51 classes (the tiny linear probe trained on partial
# observations); mean-class accuracy beside top-1:
#   python tools/analysis_tools/early_prediction.py CONFIG CHECKPOINT
_base_ = [
    './dste-tiny-early-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py'
]

ann_file = 'data/skeleton/pkummd1_3d_trimmed.pkl'
model = dict(
    backbone=dict(
        init_cfg=dict(checkpoint='work_dirs/'
                      'mgfd_dste-tiny_1xb64-joint-12e_pku1-xsub-keypoint-3d/'
                      'epoch_12.pth')),
    cls_head=dict(num_classes=51))
train_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=51))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=51))
test_dataloader = val_dataloader
val_evaluator = [
    dict(
        type='AccMetric',
        metric_list=('top_k_accuracy', 'mean_class_accuracy'))
]
test_evaluator = val_evaluator
