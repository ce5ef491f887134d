# Temporal action detection on PKU-MMD part I, cross-subject: the
# NTU-60-pretrained DSTE fine-tuned with a per-frame classifier (design.md §12),
# scored with the official mAP_a / mAP_v logic on the TPAMI code's proposals
# (per-class runs of frame scores above 0.02, no smoothing, no NMS).
_base_ = [
    '../../_base_/models/dste_dense.py',
    '../../_base_/datasets/pku1_xsub_detection.py',
    '../../_base_/schedules/sgd_dense_150e.py',
    '../../_base_/default_runtime.py'
]
model = dict(
    backbone=dict(
        init_cfg=dict(checkpoint='work_dirs/'
                      'mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d/'
                      'epoch_451.pth')))
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=2))
