# kNN retrieval on the PKU-MMD I action clips, cross-subject (training clips
# as gallery), with the PKU-MMD I pretraining checkpoint:
#   python tools/test.py CONFIG work_dirs/mgfd_dste_2xb178-joint-451e_pku1-xsub-keypoint-3d/epoch_451.pth
_base_ = [
    '../../_base_/models/dste_knn.py',
    '../../_base_/datasets/pku1_xsub_knn.py', '../../_base_/default_runtime.py'
]
