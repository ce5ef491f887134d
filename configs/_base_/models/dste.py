# The DSTE encoder (design.md §4) with its data preprocessor, shared by every
# DSTE model base; those add the model type and the heads. Sizes as the
# original; heads take their widths from the built encoder (design.md §21).
model = dict(
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
        alpha=0.5,
        gap=4,
        kernel_size=1,
        mlp_ratio=2.,
        drop_path=0.1))
