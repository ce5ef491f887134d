# Linear evaluation of the upper-body encoder
# (mgfd_dste-tiny-upper13_...synthetic...) on the 13-joint synthetic data:
# the demo linear probe with the layout, the joint count, the data and the
# clip pipeline changed.
_base_ = [
    '../../../configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py'
]
custom_imports = dict(
    imports=['usdrl_mm', 'projects.upper_body_layout'],
    allow_failed_imports=False)

layout = 'ntu-upper-13'
ann_file = 'data/synthetic/synthetic_upper13_3d.pkl'
model = dict(
    data_preprocessor=dict(layout=layout),  # the bone parents
    backbone=dict(
        num_joints=13,
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste-tiny-upper13_1xb64-joint-24e_synthetic-'
                'xsub-keypoint-3d/epoch_24.pth'))))

# The base's clip pipeline, restated (a child config cannot patch one list
# item): its joint indices are the layout's. 'ntu-upper-13' keeps NTU's
# spine_mid (1) and shoulders (4, 8), so the numbers are the NTU ones here;
# a layout that moves these joints changes them, in every downstream config.
# num_person and clip_len are the backbone's num_persons and clip_len.
clip_pipeline = [
    dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
    dict(type='TemporalCropResize', clip_len=64, ratio=1.0, mode='center'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, layout=layout, pipeline=clip_pipeline))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, layout=layout, pipeline=clip_pipeline))
test_dataloader = val_dataloader
