# Early action prediction (design.md §14): the linear protocol trained on the
# first 10-100 % of every sequence (drawn per sample) and tested on the
# first r % resized to 64 frames. Sweep r with
#   python tools/analysis_tools/early_prediction.py CONFIG CHECKPOINT
# The papers' exact protocol is not published; this is usdrl_mm's. Set
# model.backbone.causal=True for a causal temporal stream (design.md §14).
_base_ = ['./dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d.py']


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
