# DSTE with a per-frame classifier (background = class 0) for temporal
# detection and segmentation: the dense features concatenate the temporal
# tokens with the spatial tokens resampled to T positions (design.md §4.5).
# The head takes the encoder's dense width (backbone.dense_channels = 2 x
# hidden_dim) from USDRLRecognizer (design.md §21).
model = dict(
    type='USDRLRecognizer',
    # NTU's layout 'nturgb+d' (the default); another skeleton sets layout=
    # or a skeleton spec, skeleton=dict(layout=..., coord_dims=...)
    data_preprocessor=dict(type='SkeletonDataPreprocessor', modality='joint'),
    backbone=dict(
        type='DSTE',
        in_channels=3,
        num_joints=25,
        num_persons=2,
        clip_len=64,
        hidden_dim=1024,
        num_heads=1,
        num_layers=2,
        drop_path=0.1,
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')),
    cls_head=dict(type='DenseFrameHead', num_classes=52))
