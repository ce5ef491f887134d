# NTU RGB+D 60, cross-subject training split, four USDRL views per sample
# (design.md §8.1). Other datasets and splits override ann_file / split only.
dataset_type = 'CheckedPoseDataset'
ann_file = 'data/skeleton/ntu60_3d.pkl'

view_pipeline = [
    dict(type='TemporalCropResize', clip_len=64, ratio=(0.1, 1.0), min_len=64),
    # one spatial augmentation per view: mask 60 % of the joints (p 0.25),
    # corrupt 60 % with a random matrix (p 0.25) or shear everything (p 0.5).
    # 60 % is USDRL's 15 of NTU's 25 and fits any layout (8 of 13 joints).
    dict(
        type='RandomChoice',
        transforms=[
            [dict(type='RandomJointMask', num_augmented_joints=0.6)],
            [dict(type='RandomJointLinearMap', num_augmented_joints=0.6)],
            [dict(type='RandomSkeletonShear', magnitude=1.0)],
        ],
        prob=[0.25, 0.25, 0.5]),
    dict(type='FormatGCNInput', num_person=2),
]
train_pipeline = [
    dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
    dict(type='SkeletonMultiView', num_views=4, transforms=view_pipeline),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(
    batch_size=178,
    num_workers=8,
    persistent_workers=True,
    # new, reproducible augmentation draws every epoch (exact on resume
    # with non-persistent workers); mmengine's default repeats them
    worker_init_fn=dict(type='seed_worker_per_epoch'),
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        split='xsub_train',
        require_label=False,
        pipeline=train_pipeline))
