# USDRL (STTR) pretraining on NTU-60 cross-subject, joint stream: the MG-FD
# recipe of the DSTE config with the plain transformer encoder (design.md §5);
# AAAI'25 Table 1 lists 84.2 linear top-1 for it (85.2 for DSTE).
_base_ = [
    '../_base_/models/mgfd_sttr.py',
    '../_base_/datasets/ntu60_xsub_mgfd_4view.py',
    '../_base_/schedules/adam_5e-4_451e.py', '../_base_/default_runtime.py'
]

model = dict(backbone=dict(ffn_dim=1024, dropout=0.))
# checkpoints every 50 epochs, as the original
default_hooks = dict(checkpoint=dict(interval=50, max_keep_ckpts=3))
