_base_ = [
    '../../_base_/models/dste_linear.py',
    '../../_base_/datasets/ntu60_xview_recognition.py',
    '../../_base_/schedules/sgd_linear_160e.py',
    '../../_base_/default_runtime.py'
]
# this leaf's own: the pretraining checkpoint (a data base cannot
# add it to `model`; design.md §22)
model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-joint-451e_ntu60-xview-keypoint-3d/'
                'epoch_451.pth'))))
optim_wrapper = dict(optimizer=dict(lr=0.03))
default_hooks = dict(checkpoint=dict(interval=20, max_keep_ckpts=1))
