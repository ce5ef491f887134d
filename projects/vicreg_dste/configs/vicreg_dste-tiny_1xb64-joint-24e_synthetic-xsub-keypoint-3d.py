# DSTE pretrained with an instance-level VICReg objective on the synthetic
# data: the MG-FD demo with two views and the head replaced.
_base_ = [
    '../../../configs/usdrl/'
    'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py'
]
custom_imports = dict(
    imports=['usdrl_mm', 'projects.vicreg_dste.models'],
    allow_failed_imports=False)

model = dict(
    head=dict(
        _delete_=True,
        type='InstanceVICRegHead',
        sim_weight=25.0,
        std_weight=25.0,
        cov_weight=1.0))

train_pipeline = [
    dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
    dict(
        type='SkeletonMultiView',
        num_views=2,
        transforms={{_base_.view_pipeline}}),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
