# kNN retrieval with the upper-body encoder on the 13-joint synthetic data:
# the demo kNN config with the layout, the joint count, the data. Test-only, on the pretraining checkpoint:
#   python tools/test.py CONFIG work_dirs/mgfd_dste-tiny-upper13_1xb64-\
#       joint-24e_synthetic-xsub-keypoint-3d/epoch_24.pth
_base_ = [
    '../../../configs/usdrl/benchmarks/'
    'dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py'
]
# Every config of this project lays the same override (imports, layout,
# joint count, data) over a different base. mmengine takes a key from one
# base only, so the override cannot be a second base; each config states it
# (docs/design.md §22).
custom_imports = dict(
    imports=['usdrl_mm', 'projects.upper_body_layout'],
    allow_failed_imports=False)

layout = 'ntu-upper-13'
ann_file = 'data/synthetic/synthetic_upper13_3d.pkl'
model = dict(
    data_preprocessor=dict(layout=layout), backbone=dict(num_joints=13))

# The base's clip pipeline holds: its joint indices, spine_mid (1) and the
# shoulders (4, 8), are where 'ntu-upper-13' keeps them. A layout that
# moves these joints restates the pipeline of every dataset here.
# the gallery (training split) and the queries (test split) are two nested
# datasets: each needs the file, the layout and the pipeline
test_dataloader = dict(
    dataset=dict(
        gallery=dict(ann_file=ann_file, layout=layout),
        query=dict(ann_file=ann_file, layout=layout)))
