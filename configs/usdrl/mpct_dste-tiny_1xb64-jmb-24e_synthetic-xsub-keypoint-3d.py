# MPCT (our interpretation, docs/mpct.md) at the size of the synthetic demo:
# the tiny MG-FD demo config with the J+M+B early-fusion input and both
# consistency terms. Ablation variants (consistency weights 0) inherit this
# file; tools/analysis_tools/run_mpct_ablation.sh runs all four.
_base_ = [
    '../_base_/models/mpct_dste.py',
    '../_base_/datasets/synthetic_xsub_mgfd_4view.py',
    '../_base_/schedules/adam_2e-3_24e.py', '../_base_/default_runtime.py'
]

model = dict(backbone=dict(hidden_dim=64))
default_hooks = dict(
    logger=dict(interval=5), checkpoint=dict(interval=8, max_keep_ckpts=2))
