# A small USDRL pretraining run on the embedded synthetic data
# (tools/data/generate_synthetic.py --out data/synthetic) that finishes in
# minutes on 2 CPU cores. Same method as the paper recipe; the encoder width,
# the batch and the schedule are smaller, and the learning rate is 4x the
# paper's for the 288-step schedule (5e-4 learns visibly less here; see
# BENCHMARKS.md).
_base_ = [
    '../_base_/models/mgfd_dste.py',
    '../_base_/datasets/synthetic_xsub_mgfd_4view.py',
    '../_base_/schedules/adam_2e-3_24e.py', '../_base_/default_runtime.py'
]

# the projector follows the encoder width (backbone.out_channels)
model = dict(backbone=dict(hidden_dim=64))
default_hooks = dict(
    logger=dict(interval=5), checkpoint=dict(interval=8, max_keep_ckpts=2))
