# A small USDRL pretraining run on the embedded synthetic data
# (tools/data/generate_synthetic.py --out data/synthetic) that finishes in
# minutes on 2 CPU cores. Same method as the paper recipe; the encoder width,
# the batch and the schedule are smaller, and the learning rate is 4x the
# paper's for the 288-step schedule (5e-4 learns visibly less here; see
# BENCHMARKS.md).
_base_ = ['./mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py']

# the projector follows the encoder width (backbone.out_channels)
model = dict(backbone=dict(hidden_dim=64))

train_dataloader = dict(
    batch_size=64,
    num_workers=0,  # in-process loading: fastest on small CPUs
    persistent_workers=False,
    dataset=dict(
        ann_file='data/synthetic/synthetic_3d.pkl', split='xsub_train'))

# fp32; --amp gives bf16 autocast
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(lr=2e-3))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[20], gamma=0.1)
]
train_cfg = dict(max_epochs=24)
default_hooks = dict(
    logger=dict(interval=5), checkpoint=dict(interval=8, max_keep_ckpts=2))
auto_scale_lr = dict(enable=False, base_batch_size=64)
