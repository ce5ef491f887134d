# USDRL linear evaluation on the PKU-MMD I action clips
# (tools/data/convert_pku_mmd.py --trimmed-out), cross-subject: the NTU-60
# protocol with 51 classes and mean-class accuracy beside top-1 (no PKU-MMD I
# linear protocol was published).
_base_ = [
    '../../_base_/models/dste_linear.py',
    '../../_base_/datasets/pku1_xsub_recognition.py',
    '../../_base_/schedules/sgd_linear_160e.py',
    '../../_base_/default_runtime.py'
]
# this leaf's own: the pretraining checkpoint (a data base cannot
# add it to `model`; design.md §22)
model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-joint-451e_pku1-xsub-keypoint-3d/'
                'epoch_451.pth'))),
    cls_head=dict(num_classes=51))
default_hooks = dict(checkpoint=dict(interval=20, max_keep_ckpts=1))
