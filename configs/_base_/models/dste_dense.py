# DSTE with a per-frame classifier (background = class 0) for temporal
# detection and segmentation: the dense features concatenate the temporal
# tokens with the spatial tokens resampled to T positions (design.md §4.5).
# The head takes the encoder's dense width (backbone.dense_channels = 2 x
# hidden_dim) from USDRLRecognizer (design.md §21).
_base_ = ['./dste.py']
model = dict(
    type='USDRLRecognizer',
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')),
    cls_head=dict(type='DenseFrameHead', num_classes=52))
