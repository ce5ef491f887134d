# The demo fine-tuning (dste-tiny-finetune_...synthetic...) on the PKU-MMD I
# action clips, cross-subject, 51 classes, 10 epochs (1 of warm-up) for 2 CPU
# cores; mean-class accuracy beside top-1.
_base_ = ['./dste-tiny-finetune_1xb32-joint-20e_synthetic-xsub-keypoint-3d.py']

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

param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=9,
        eta_min=1e-5,
        by_epoch=True,
        begin=1,
        end=10,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=10, val_begin=10, val_interval=10)
