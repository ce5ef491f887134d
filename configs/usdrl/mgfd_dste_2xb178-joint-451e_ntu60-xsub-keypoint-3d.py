# USDRL (DSTE, MG-FD) pretraining on NTU-60 cross-subject, joint stream.
# 2 GPUs x 178 = the original total batch of 356 (design.md §10.1).
_base_ = [
    '../_base_/models/mgfd_dste.py',
    '../_base_/datasets/ntu60_xsub_mgfd_4view.py',
    '../_base_/schedules/adam_5e-4_451e.py', '../_base_/default_runtime.py'
]
# checkpoints every 50 epochs, as the original
default_hooks = dict(checkpoint=dict(interval=50, max_keep_ckpts=3))
