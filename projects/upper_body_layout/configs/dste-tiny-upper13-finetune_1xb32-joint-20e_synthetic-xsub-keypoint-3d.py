# Full fine-tuning of the upper-body encoder on the 13-joint synthetic data:
# the demo fine-tune config with the changes of the linear config.
_base_ = [
    '../../../configs/usdrl/benchmarks/'
    'dste-tiny-finetune_1xb32-joint-20e_synthetic-xsub-keypoint-3d.py'
]
custom_imports = dict(
    imports=['usdrl_mm', 'projects.upper_body_layout'],
    allow_failed_imports=False)

layout = 'ntu-upper-13'
ann_file = 'data/synthetic/synthetic_upper13_3d.pkl'
model = dict(
    data_preprocessor=dict(layout=layout),
    backbone=dict(
        num_joints=13,
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste-tiny-upper13_1xb64-joint-24e_synthetic-'
                'xsub-keypoint-3d/epoch_24.pth'))))

# the clip pipeline of the linear config (layout indices, num_persons,
# clip_len)
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
