# DSTE with a per-frame classifier (background = class 0) for temporal
# detection and segmentation: the dense features concatenate the temporal
# tokens with the spatial tokens resampled to T positions (design.md §4.5).
hidden_dim = 1024
model = dict(
    type='RecognizerGCN',
    data_preprocessor=dict(
        type='SkeletonDataPreprocessor', modality='joint', layout='nturgb+d'),
    backbone=dict(
        type='DSTE',
        in_channels=3,
        num_joints=25,
        num_persons=2,
        clip_len=64,
        hidden_dim=hidden_dim,
        num_heads=1,
        num_layers=2,
        drop_path=0.1,
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')),
    cls_head=dict(
        type='DenseFrameHead', num_classes=52, in_channels=2 * hidden_dim))
