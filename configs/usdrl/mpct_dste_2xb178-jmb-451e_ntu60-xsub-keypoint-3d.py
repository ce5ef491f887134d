# MPCT on NTU-60 cross-subject: ONE DSTE pretrained on joint, bone and
# motion together, with the MG-FD objective plus multi-view and multi-modal
# consistency. This is our interpretation of the TPAMI paper's MPCT "J+M+B"
# single model, not a reproduction: its losses, weights and fusion are not
# published (design.md §9). Equations, choices and every key: docs/mpct.md.
# The TPAMI row uses an STTR encoder; this config keeps DSTE.
_base_ = [
    '../_base_/models/mpct_dste.py',
    '../_base_/datasets/ntu60_xsub_mgfd_4view.py',
    '../_base_/schedules/adam_5e-4_451e.py', '../_base_/default_runtime.py'
]
# checkpoints every 50 epochs, as the original
default_hooks = dict(checkpoint=dict(interval=50, max_keep_ckpts=3))
