# kNN retrieval with the demo encoder on the synthetic data:
#   python tools/test.py CONFIG work_dirs/demo_pretrain/epoch_24.pth
_base_ = [
    '../../_base_/models/dste_knn.py',
    '../../_base_/datasets/synthetic_xsub_knn.py',
    '../../_base_/default_runtime.py'
]
model = dict(backbone=dict(hidden_dim=64))
