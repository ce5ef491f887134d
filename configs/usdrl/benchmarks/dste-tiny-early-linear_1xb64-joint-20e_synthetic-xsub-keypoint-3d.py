# Early action prediction with the demo encoder on the synthetic data (the
# tiny linear probe trained on partial observations):
#   python tools/analysis_tools/early_prediction.py CONFIG CHECKPOINT
_base_ = ['./dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py']


def observed_pipeline(ratio):
    return [
        dict(type='PreNormalize3DPerFrame', center_joint=1, xaxis=(4, 8)),
        dict(type='ObservePrefix', ratio=ratio, min_frames=3),
        dict(type='TemporalCropResize', clip_len=64, ratio=1.0, mode='center'),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs'),
    ]


train_dataloader = dict(dataset=dict(pipeline=observed_pipeline((0.1, 1.0))))
val_dataloader = dict(dataset=dict(pipeline=observed_pipeline(1.0)))
test_dataloader = val_dataloader
