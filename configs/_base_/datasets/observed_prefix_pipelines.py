# Early action prediction pipelines (design.md §14): the recognition clip
# pipeline after ObservePrefix, trained on the first 10-100 % of every
# sequence (drawn per sample), tested on the first 100 % (the tools sweep it).
# Its names are new, so it combines with any recognition dataset base: add
# it to the _base_ list and select the pipelines with
#   train_dataloader = dict(
#       dataset=dict(pipeline={{_base_.observed_train_pipeline}}))
observed_train_pipeline = [
    dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
    dict(type='ObservePrefix', ratio=(0.1, 1.0), min_frames=3),
    dict(type='TemporalCropResize', clip_len=64, ratio=1.0, mode='center'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
observed_test_pipeline = [
    dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
    dict(type='ObservePrefix', ratio=1.0, min_frames=3),
    dict(type='TemporalCropResize', clip_len=64, ratio=1.0, mode='center'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
