# kNN retrieval (design.md §10.3): 1-nearest-neighbour top-1 with cosine
# similarity of the frozen encoder's 2048-d clip features, training split as
# gallery. Test-only:
#   python tools/test.py CONFIG work_dirs/mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d/epoch_451.pth
_base_ = [
    '../../_base_/models/dste_recognizer.py',
    '../../_base_/datasets/ntu60_xsub_knn.py',
    '../../_base_/default_runtime.py'
]
model = dict(
    backbone=dict(frozen=True, init_cfg=None),
    cls_head=dict(_delete_=True, type='USDRLFeatureHead'))
test_evaluator = [dict(type='KNNMetric', ks=(1, 5, 20))]
# the checkpoint is a pretraining one: only its encoder is used, its projector
# and heads are not in this model (every backbone key must still fit)
custom_hooks = [
    dict(
        type='CheckpointFitHook',
        unused_prefixes=('projector.', 'neck.', 'head.'))
]
