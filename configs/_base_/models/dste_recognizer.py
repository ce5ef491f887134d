# DSTE with a linear classifier on the pooled 2D-d clip feature, the model of
# every USDRL recognition protocol (linear, fine-tune, semi-supervised,
# transfer). The encoder is initialised from a pretraining checkpoint
# (`backbone.` prefix); pass it with
#   --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/.../epoch_451.pth
# USDRLRecognizer is MMAction2's RecognizerGCN that gives the head the
# encoder's width (backbone.pooled_channels = 2 x hidden_dim, design.md §21).
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
        alpha=0.5,
        gap=4,
        kernel_size=1,
        mlp_ratio=2.,
        drop_path=0.1,
        frozen=False,
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')),
    cls_head=dict(type='USDRLClsHead', num_classes=60))
