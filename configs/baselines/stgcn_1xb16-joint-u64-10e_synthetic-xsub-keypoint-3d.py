# ST-GCN (supervised, MMAction2's model and pipeline) on the synthetic data,
# as the reference for the USDRL demo encoder: 64-frame clips and a
# 10-epoch schedule sized for 2 CPU cores (MMAction2 uses 100 frames, 80).
_base_ = ['./stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py']

ann_file = 'data/synthetic/synthetic_3d.pkl'
model = dict(cls_head=dict(num_classes=10))
train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=64),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=64, num_clips=1, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
# loaders and schedule as in slowonly_r50_1xb8-...synthetic...py: the two
# inherit different MMAction2 recipes, so no base can hold them for both
train_dataloader = dict(
    num_workers=1,
    dataset=dict(
        times=1,
        dataset=dict(
            ann_file=ann_file, num_classes=10, pipeline=train_pipeline)))
val_dataloader = dict(
    num_workers=1,
    dataset=dict(ann_file=ann_file, num_classes=10, pipeline=val_pipeline))
test_dataloader = val_dataloader

train_cfg = dict(max_epochs=10, val_begin=5, val_interval=5)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0,
        T_max=10,
        by_epoch=True,
        convert_to_iter_based=True)
]
default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=1), logger=dict(interval=10))
auto_scale_lr = dict(base_batch_size=16)
