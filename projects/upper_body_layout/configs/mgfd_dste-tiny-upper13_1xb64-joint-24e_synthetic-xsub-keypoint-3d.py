# The tiny synthetic USDRL pretraining on the 13 upper-body joints of NTU-25
# (layout 'ntu-upper-13', registered by projects/upper_body_layout). Only
# what the layout needs changes: the layout name, the joint count, the
# number of joints the view augmentations pick, and the data, written by
#   python tools/data/select_joints.py data/synthetic/synthetic_3d.pkl \
#       data/synthetic/synthetic_upper13_3d.pkl --to-layout ntu-upper-13 \
#       --import projects.upper_body_layout
_base_ = [
    '../../../configs/usdrl/'
    'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py'
]
custom_imports = dict(
    imports=['usdrl_mm', 'projects.upper_body_layout'],
    allow_failed_imports=False)

layout = 'ntu-upper-13'
ann_file = 'data/synthetic/synthetic_upper13_3d.pkl'
model = dict(
    data_preprocessor=dict(layout=layout), backbone=dict(num_joints=13))

# USDRL masks / corrupts 15 of NTU's 25 joints (60 %); 8 of 13 keeps that
# share (the NTU value would fail with "cannot pick 15 of 13 joints").
view_pipeline = [
    dict(type='TemporalCropResize', clip_len=64, ratio=(0.1, 1.0), min_len=64),
    dict(
        type='RandomChoice',
        transforms=[[dict(type='RandomJointMask', num_joints=8)],
                    [dict(type='RandomJointLinearMap', num_joints=8)],
                    [dict(type='RandomSkeletonShear', magnitude=1.0)]],
        prob=[0.25, 0.25, 0.5]),
    dict(type='FormatGCNInput', num_person=2),
]
train_pipeline = [
    # 'ntu-upper-13' keeps the NTU indices of spine_mid (1) and of the
    # shoulders (4, 8); a layout that moves them must change these numbers
    dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
    dict(type='SkeletonMultiView', num_views=4, transforms=view_pipeline),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, layout=layout, pipeline=train_pipeline))
