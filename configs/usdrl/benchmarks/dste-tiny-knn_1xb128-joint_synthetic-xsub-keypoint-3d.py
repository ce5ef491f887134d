# kNN retrieval with the demo encoder on the synthetic data:
#   python tools/test.py CONFIG work_dirs/demo_pretrain/epoch_24.pth
_base_ = ['./dste-knn_1xb128-joint_ntu60-xsub-keypoint-3d.py']

ann_file = 'data/synthetic/synthetic_3d.pkl'
model = dict(backbone=dict(hidden_dim=64))
test_dataloader = dict(
    num_workers=0,  # in-process loading: fastest on small CPUs
    persistent_workers=False,
    dataset=dict(
        gallery=dict(ann_file=ann_file), query=dict(ann_file=ann_file)))
