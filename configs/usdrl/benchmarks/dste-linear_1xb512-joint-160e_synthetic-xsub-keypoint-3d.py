# The default-size DSTE (hidden 1024) under the linear protocol on the
# synthetic data; used for speed and size comparisons on the same files.
_base_ = [
    '../../_base_/models/dste_linear.py',
    '../../_base_/datasets/synthetic_xsub_recognition.py',
    '../../_base_/schedules/sgd_linear_160e.py',
    '../../_base_/default_runtime.py'
]
# this leaf's own: the pretraining checkpoint (a data base cannot
# add it to `model`; design.md §22)
model = dict(
    backbone=dict(
        init_cfg=dict(checkpoint='work_dirs/'
                      'mgfd_dste_2xb178-joint-451e_synthetic-xsub-keypoint-3d/'
                      'epoch_451.pth')),
    cls_head=dict(num_classes=10))
default_hooks = dict(checkpoint=dict(interval=20, max_keep_ckpts=1))
