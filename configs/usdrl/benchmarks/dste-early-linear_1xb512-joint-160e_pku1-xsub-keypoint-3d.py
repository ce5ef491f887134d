# USDRL early action prediction on the PKU-MMD I action clips
# (tools/data/convert_pku_mmd.py --trimmed-out), cross-subject: the NTU-60
# protocol with 51 classes and mean-class accuracy beside top-1 (no PKU-MMD I
# early-prediction protocol was published).
_base_ = [
    './dste-linear_1xb512-joint-160e_pku1-xsub-keypoint-3d.py',
    '../../_base_/datasets/observed_prefix_pipelines.py'
]
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.observed_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.observed_test_pipeline}}))
test_dataloader = val_dataloader
