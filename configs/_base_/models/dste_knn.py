# kNN retrieval (design.md §10.3): the frozen encoder's 2048-d clip features
# (USDRLFeatureHead, no classifier), loaded whole from a pretraining
# checkpoint given to tools/test.py.
_base_ = ['./dste_recognizer.py']
model = dict(
    backbone=dict(frozen=True, init_cfg=None),
    cls_head=dict(_delete_=True, type='USDRLFeatureHead'))
# the checkpoint is a pretraining one: only its encoder is used, its projector
# and heads are not in this model (every backbone key must still fit)
custom_hooks = [
    dict(
        type='CheckpointFitHook',
        unused_prefixes=('projector.', 'neck.', 'head.'))
]
