# The demo pretraining (mgfd_dste-tiny_...synthetic...) on the PKU-MMD I
# action clips (tools/data/convert_pku_mmd.py --trimmed-out), cross-subject
# training split, labels unused, for 2 CPU cores
# (tools/analysis_tools/run_real_benchmarks.sh --recipe tiny): 12 epochs, as
# the demo's learning rate was chosen for a schedule of about 300 steps.
_base_ = ['./mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py']

train_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/pkummd1_3d_trimmed.pkl', split='xsub_train'))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[10], gamma=0.1)
]
train_cfg = dict(max_epochs=12)
default_hooks = dict(checkpoint=dict(interval=4))
