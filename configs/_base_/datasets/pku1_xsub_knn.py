# Retrieval on the PKU-MMD I action clips (tools/data/convert_pku_mmd.py
# --trimmed-out), cross-subject, training clips as gallery.
_base_ = ['./ntu60_xsub_knn.py']
ann_file = 'data/skeleton/pkummd1_3d_trimmed.pkl'
test_dataloader = dict(
    dataset=dict(
        gallery=dict(ann_file=ann_file), query=dict(ann_file=ann_file)))
