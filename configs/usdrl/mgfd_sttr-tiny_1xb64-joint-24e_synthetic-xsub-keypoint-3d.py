# The tiny synthetic pretraining run of the DSTE config with an STTR
# encoder of the same width (minutes on 2 CPU cores).
_base_ = [
    '../_base_/models/mgfd_sttr.py',
    '../_base_/datasets/synthetic_xsub_mgfd_4view.py',
    '../_base_/schedules/adam_2e-3_24e.py', '../_base_/default_runtime.py'
]

# the projector follows the encoder width (the geometry is the base's
# skeleton spec, design.md §21)
model = dict(backbone=dict(hidden_dim=64))
default_hooks = dict(
    logger=dict(interval=5), checkpoint=dict(interval=8, max_keep_ckpts=2))
