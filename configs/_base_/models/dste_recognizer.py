# DSTE with a linear classifier on the pooled 2D-d clip feature, the model of
# every USDRL recognition protocol (linear, fine-tune, semi-supervised,
# transfer). The encoder is initialised from a pretraining checkpoint
# (`backbone.` prefix); pass it with
#   --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/.../epoch_451.pth
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
        alpha=0.5,
        gap=4,
        kernel_size=1,
        mlp_ratio=2.,
        drop_path=0.1,
        frozen=False,
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')),
    cls_head=dict(
        type='USDRLClsHead', num_classes=60, in_channels=2 * hidden_dim))
