# Retrieval on NTU RGB+D 60 cross-subject (design.md §10.3): the training split is
# the gallery, the test split the queries, both as whole clips resized to 64
# frames. Test-only: run with tools/test.py CONFIG CHECKPOINT.
dataset_type = 'CheckedPoseDataset'
ann_file = 'data/skeleton/ntu60_3d.pkl'

test_pipeline = [
    dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
    dict(type='TemporalCropResize', clip_len=64, ratio=1.0, mode='center'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='GalleryQueryDataset',
        gallery=dict(
            type=dataset_type,
            ann_file=ann_file,
            split='xsub_train',
            test_mode=True,
            pipeline=test_pipeline),
        query=dict(
            type=dataset_type,
            ann_file=ann_file,
            split='xsub_val',
            test_mode=True,
            pipeline=test_pipeline)))
test_evaluator = [dict(type='KNNMetric', ks=(1, 5, 20))]
test_cfg = dict(type='TestLoop')
