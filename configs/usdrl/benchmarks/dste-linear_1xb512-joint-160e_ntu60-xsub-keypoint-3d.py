# USDRL linear evaluation (design.md §10.2): the pretrained DSTE is frozen and
# kept in eval mode; only the linear classifier on its 2048-d clip feature
# trains. Give the pretraining checkpoint on the command line:
#   python tools/train.py CONFIG --cfg-options \
#       model.backbone.init_cfg.checkpoint=work_dirs/mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d/epoch_451.pth
_base_ = [
    '../../_base_/models/dste_linear.py',
    '../../_base_/datasets/ntu60_xsub_recognition.py',
    '../../_base_/schedules/sgd_linear_160e.py',
    '../../_base_/default_runtime.py'
]
# this leaf's own: the pretraining checkpoint (a data base cannot
# add it to `model`; design.md §22)
model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d/'
                'epoch_451.pth'))))
default_hooks = dict(checkpoint=dict(interval=20, max_keep_ckpts=1))
