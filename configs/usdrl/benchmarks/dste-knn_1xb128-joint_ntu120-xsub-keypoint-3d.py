_base_ = [
    '../../_base_/models/dste_knn.py',
    '../../_base_/datasets/ntu120_xsub_knn.py',
    '../../_base_/default_runtime.py'
]
