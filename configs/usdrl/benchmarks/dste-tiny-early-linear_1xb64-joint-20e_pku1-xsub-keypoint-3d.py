# Early action prediction with the demo encoder on the PKU-MMD I action
# clips, cross-subject, 51 classes (the tiny linear probe trained on partial
# observations); mean-class accuracy beside top-1:
#   python tools/analysis_tools/early_prediction.py CONFIG CHECKPOINT
_base_ = [
    './dste-tiny-linear_1xb64-joint-20e_pku1-xsub-keypoint-3d.py',
    '../../_base_/datasets/observed_prefix_pipelines.py'
]
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.observed_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.observed_test_pipeline}}))
test_dataloader = val_dataloader
