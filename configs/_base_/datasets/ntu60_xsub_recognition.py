# NTU RGB+D 60 cross-subject recognition data for the downstream protocols:
# the whole valid sequence resized to 64 frames for training and testing
# (design.md §8.2), no augmentation.
dataset_type = 'CheckedPoseDataset'
ann_file = 'data/skeleton/ntu60_3d.pkl'
num_classes = 60

clip_pipeline = [
    dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
    dict(type='TemporalCropResize', clip_len=64, ratio=1.0, mode='center'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
train_pipeline = clip_pipeline
test_pipeline = clip_pipeline

# the loader settings of the other dataset bases, restated: sibling bases
# cannot share a dataloader dict (a key in two bases is an error)
train_dataloader = dict(
    batch_size=512,
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
        num_classes=num_classes,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=512,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        split='xsub_val',
        num_classes=num_classes,
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
