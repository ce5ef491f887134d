# USDRL linear evaluation on NTU-60 2D (HRNet COCO-17 with scores,
# cross-subject) of the encoder pretrained by
# mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-2d.py; same protocol as
# the 3D probe (design.md §10.2), 2D input as in that config (design.md §11.4).
_base_ = ['./dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d.py']

ann_file = 'data/skeleton/ntu60_2d.pkl'
# COCO-17, 2 persons, (x, y) + score: checked against every sample; bone and
# motion average the score, as JointToBone does
skeleton = dict(layout='coco', num_person=2, coord_dims=2, with_score=True)
model = dict(
    data_preprocessor=dict(skeleton=skeleton),
    backbone=dict(
        num_joints=17,
        init_cfg=dict(
            checkpoint=(
                'work_dirs/mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-2d/'
                'epoch_451.pth'))))
clip_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='TemporalCropResize', clip_len=64, ratio=1.0, mode='center'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, skeleton=skeleton, pipeline=clip_pipeline))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, skeleton=skeleton, pipeline=clip_pipeline))
test_dataloader = val_dataloader
