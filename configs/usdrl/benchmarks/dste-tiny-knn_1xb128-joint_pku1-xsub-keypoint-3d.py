# kNN retrieval with the demo encoder on the PKU-MMD I action clips,
# cross-subject (training clips as gallery), top-1 and mean-class accuracy:
#   python tools/test.py CONFIG work_dirs/mgfd_dste-tiny_1xb64-joint-12e_pku1-xsub-keypoint-3d/epoch_12.pth
_base_ = [
    '../../_base_/models/dste_knn.py',
    '../../_base_/datasets/pku1_xsub_knn.py', '../../_base_/default_runtime.py'
]
model = dict(backbone=dict(hidden_dim=64))
# in-process loading: fastest on small CPUs
test_dataloader = dict(num_workers=0, persistent_workers=False)
