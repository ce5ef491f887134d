# Early action prediction (design.md §14): the linear protocol trained on the
# first 10-100 % of every sequence (drawn per sample) and tested on the
# first r % resized to 64 frames. Sweep r with
#   python tools/analysis_tools/early_prediction.py CONFIG CHECKPOINT
# The papers' exact protocol is not published; this is usdrl_mm's. Set
# model.backbone.causal=True for a causal temporal stream (design.md §14).
_base_ = [
    './dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d.py',
    '../../_base_/datasets/observed_prefix_pipelines.py'
]
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.observed_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.observed_test_pipeline}}))
test_dataloader = val_dataloader
