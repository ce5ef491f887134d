# The four USDRL views for the 17-joint skeletons (COCO-17, UAV-Human): joint
# corruption picks 15 of the 17 joints, as FoundSkelModel does (not the 60 %
# of the NTU base, which would be 10). Its names are new, so it combines with
# a pretraining config; select it with
#   dict(type='SkeletonMultiView', num_views=4,
#        transforms={{_base_.view_pipeline_17joints}})
view_pipeline_17joints = [
    dict(type='TemporalCropResize', clip_len=64, ratio=(0.1, 1.0), min_len=64),
    dict(
        type='RandomChoice',
        transforms=[
            [dict(type='RandomJointMask', num_augmented_joints=15)],
            [dict(type='RandomJointLinearMap', num_augmented_joints=15)],
            [dict(type='RandomSkeletonShear', magnitude=1.0)],
        ],
        prob=[0.25, 0.25, 0.5]),
    dict(type='FormatGCNInput', num_person=2),
]
