# kNN retrieval (design.md §10.3): 1-nearest-neighbour top-1 with cosine
# similarity of the frozen encoder's 2048-d clip features, training split as
# gallery. Test-only:
#   python tools/test.py CONFIG work_dirs/mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d/epoch_451.pth
_base_ = [
    '../../_base_/models/dste_knn.py',
    '../../_base_/datasets/ntu60_xsub_knn.py',
    '../../_base_/default_runtime.py'
]
