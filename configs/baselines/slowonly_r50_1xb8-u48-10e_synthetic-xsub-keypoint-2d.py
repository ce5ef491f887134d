# PoseC3D (SlowOnly-R50 on generated keypoint heatmaps) on the synthetic data
# in 2D (tools/data/generate_synthetic.py --dim 2: the same clips projected
# to pixels, with scores). The skeleton is NTU-25, so the heatmaps have 25
# channels and the flip pairs are NTU's.
_base_ = ['./slowonly_r50_8xb16-u48-240e_ntu60-xsub-keypoint.py']

ann_file = 'data/synthetic/synthetic_2d.pkl'
# NTU-25 left / right joints (usdrl_mm.structures.get_layout('nturgb+d'))
left_kp = [4, 5, 6, 7, 12, 13, 14, 15, 21, 22]
right_kp = [8, 9, 10, 11, 16, 17, 18, 19, 23, 24]
model = dict(backbone=dict(in_channels=25), cls_head=dict(num_classes=10))
train_pipeline = [
    dict(type='UniformSampleFrames', clip_len=48),
    dict(type='PoseDecode'),
    dict(type='PoseCompact', hw_ratio=1., allow_imgpad=True),
    dict(type='Resize', scale=(-1, 64)),
    dict(type='RandomResizedCrop', area_range=(0.56, 1.0)),
    dict(type='Resize', scale=(56, 56), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5, left_kp=left_kp, right_kp=right_kp),
    dict(
        type='GeneratePoseTarget',
        sigma=0.6,
        use_score=True,
        with_kp=True,
        with_limb=False),
    dict(type='FormatShape', input_format='NCTHW_Heatmap'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='UniformSampleFrames', clip_len=48, num_clips=1, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='PoseCompact', hw_ratio=1., allow_imgpad=True),
    dict(type='Resize', scale=(-1, 64)),
    dict(type='CenterCrop', crop_size=64),
    dict(
        type='GeneratePoseTarget',
        sigma=0.6,
        use_score=True,
        with_kp=True,
        with_limb=False),
    dict(type='FormatShape', input_format='NCTHW_Heatmap'),
    dict(type='PackActionInputs')
]
# loaders and schedule as in stgcn_1xb16-...synthetic...py: the two inherit
# different MMAction2 recipes, so no base can hold them for both
train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    dataset=dict(
        times=1,
        dataset=dict(
            ann_file=ann_file, num_classes=10, pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=8,
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
auto_scale_lr = dict(base_batch_size=8)
