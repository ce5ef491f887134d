# DSTE with a linear classifier on the pooled 2D-d clip feature, the model of
# every USDRL recognition protocol (linear, fine-tune, semi-supervised,
# transfer). The encoder is initialised from a pretraining checkpoint
# (`backbone.` prefix); pass it with
#   --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/.../epoch_451.pth
# USDRLRecognizer is MMAction2's RecognizerGCN that gives the head the
# encoder's width (backbone.pooled_channels = 2 x hidden_dim, design.md §21).
_base_ = ['./dste.py']
model = dict(
    type='USDRLRecognizer',
    backbone=dict(
        frozen=False,
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')),
    cls_head=dict(type='USDRLClsHead', num_classes=60))
