# USDRL (DSTE, MG-FD) pretraining on PKU-MMD II (trimmed clips),
# cross-subject: total batch 512, 1201 epochs, x0.1 at 801 (design.md §10.1).
_base_ = [
    '../_base_/models/mgfd_dste.py',
    '../_base_/datasets/ntu60_xsub_mgfd_4view.py',
    '../_base_/schedules/adam_5e-4_1201e.py', '../_base_/default_runtime.py'
]
train_dataloader = dict(
    batch_size=256,
    dataset=dict(ann_file='data/skeleton/pkummd2_3d.pkl', split='xsub_train'))
# checkpoints every 50 epochs, as the original
default_hooks = dict(checkpoint=dict(interval=50, max_keep_ckpts=3))
