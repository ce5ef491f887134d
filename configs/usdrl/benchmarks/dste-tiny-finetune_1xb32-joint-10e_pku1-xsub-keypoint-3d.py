# The demo fine-tuning (dste-tiny-finetune_...synthetic...) on the PKU-MMD I
# action clips, cross-subject, 51 classes, 10 epochs (1 of warm-up) for 2 CPU
# cores; mean-class accuracy beside top-1.
_base_ = [
    '../../_base_/models/dste_recognizer.py',
    '../../_base_/datasets/pku1_xsub_recognition_cpu.py',
    '../../_base_/schedules/adamw_finetune_20e.py',
    '../../_base_/default_runtime.py'
]
# this leaf's own: the pretraining checkpoint (a data base cannot
# add it to `model`; design.md §22)
model = dict(
    backbone=dict(
        hidden_dim=64,
        init_cfg=dict(checkpoint='work_dirs/'
                      'mgfd_dste-tiny_1xb64-joint-12e_pku1-xsub-keypoint-3d/'
                      'epoch_12.pth')),
    cls_head=dict(num_classes=51))
train_dataloader = dict(batch_size=32)
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=10, max_keep_ckpts=1))

# 10 epochs: the base's two schedulers restated whole (a child cannot patch
# one item of a list)
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
