# Retrieval on the embedded synthetic data, cross-subject, loaded for the CPU
# demos (in-process loading: fastest on small CPUs).
_base_ = ['./ntu60_xsub_knn.py']
ann_file = 'data/synthetic/synthetic_3d.pkl'
test_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        gallery=dict(ann_file=ann_file), query=dict(ann_file=ann_file)))
