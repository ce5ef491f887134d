# The embedded synthetic data (tools/data/generate_synthetic.py --out
# data/synthetic), cross-subject training split, four USDRL views per sample,
# loaded for the CPU demos: batch 64, no worker processes.
_base_ = ['./ntu60_xsub_mgfd_4view.py']
ann_file = 'data/synthetic/synthetic_3d.pkl'
train_dataloader = dict(
    batch_size=64,
    num_workers=0,  # in-process loading: fastest on small CPUs
    persistent_workers=False,
    dataset=dict(ann_file=ann_file))
