# The demo linear probe (dste-tiny-linear_...synthetic...) on the PKU-MMD I
# action clips, cross-subject, 51 classes. The clips per class are very
# uneven on a subset of the release, so mean-class accuracy is reported
# beside top-1.
_base_ = [
    '../../_base_/models/dste_linear.py',
    '../../_base_/datasets/pku1_xsub_recognition_cpu.py',
    '../../_base_/schedules/sgd_linear_20e.py',
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
    cls_head=dict(num_classes=51, feat_norm=True))
default_hooks = dict(
    logger=dict(interval=5), checkpoint=dict(interval=20, max_keep_ckpts=1))
