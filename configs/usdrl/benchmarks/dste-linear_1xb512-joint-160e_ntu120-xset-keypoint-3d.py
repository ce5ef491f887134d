_base_ = [
    '../../_base_/models/dste_linear.py',
    '../../_base_/datasets/ntu120_xset_recognition.py',
    '../../_base_/schedules/sgd_linear_160e.py',
    '../../_base_/default_runtime.py'
]
# this leaf's own: the class count and the pretraining checkpoint
# (a data base cannot add them to `model`; design.md §22)
model = dict(
    cls_head=dict(num_classes=120),
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-joint-451e_ntu120-xset-keypoint-3d/'
                'epoch_451.pth'))))
default_hooks = dict(checkpoint=dict(interval=20, max_keep_ckpts=1))
