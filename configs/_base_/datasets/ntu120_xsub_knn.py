# Retrieval on NTU RGB+D 120 cross-subject: the NTU-60 kNN base on
# ntu120_3d.pkl.
_base_ = ['./ntu60_xsub_knn.py']
ann_file = 'data/skeleton/ntu120_3d.pkl'
test_dataloader = dict(
    dataset=dict(
        gallery=dict(ann_file=ann_file), query=dict(ann_file=ann_file)))
