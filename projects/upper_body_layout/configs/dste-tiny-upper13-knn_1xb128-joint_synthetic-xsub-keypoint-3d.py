# kNN retrieval with the upper-body encoder on the 13-joint synthetic data:
# the demo kNN config with the layout, the joint count, the data and the
# clip pipeline changed. Test-only, on the pretraining checkpoint:
#   python tools/test.py CONFIG work_dirs/mgfd_dste-tiny-upper13_1xb64-\
#       joint-24e_synthetic-xsub-keypoint-3d/epoch_24.pth
_base_ = [
    '../../../configs/usdrl/benchmarks/'
    'dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py'
]
custom_imports = dict(
    imports=['usdrl_mm', 'projects.upper_body_layout'],
    allow_failed_imports=False)

layout = 'ntu-upper-13'
ann_file = 'data/synthetic/synthetic_upper13_3d.pkl'
model = dict(
    data_preprocessor=dict(layout=layout), backbone=dict(num_joints=13))

# The clip pipeline of the linear config: the layout's joint indices (the
# NTU ones for 'ntu-upper-13'), the backbone's num_persons and clip_len.
clip_pipeline = [
    dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
    dict(type='TemporalCropResize', clip_len=64, ratio=1.0, mode='center'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
# the gallery (training split) and the queries (test split) are two nested
# datasets: each needs the file, the layout and the pipeline
test_dataloader = dict(
    dataset=dict(
        gallery=dict(ann_file=ann_file, layout=layout, pipeline=clip_pipeline),
        query=dict(ann_file=ann_file, layout=layout, pipeline=clip_pipeline)))
