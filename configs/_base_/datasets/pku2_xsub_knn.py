# Retrieval on the PKU-MMD II action clips, cross-subject, training clips as
# gallery.
_base_ = ['./ntu60_xsub_knn.py']
ann_file = 'data/skeleton/pkummd2_3d.pkl'
test_dataloader = dict(
    dataset=dict(
        gallery=dict(ann_file=ann_file), query=dict(ann_file=ann_file)))
