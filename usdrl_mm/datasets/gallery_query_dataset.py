from typing import Union

from mmaction.registry import DATASETS
from mmengine.dataset import BaseDataset, ConcatDataset


@DATASETS.register_module()
class GalleryQueryDataset(ConcatDataset):
    """A gallery set followed by a query set, for retrieval evaluation.

    Every packed sample carries ``knn_role`` (``'gallery'`` or ``'query'``)
    in its data sample's metainfo, which :class:`KNNMetric` uses to split
    the features again. Running both through one test loop keeps retrieval
    a plain ``tools/test.py`` job, distributed or not.

    Args:
        gallery (dict | BaseDataset): The memory bank, e.g. the training
            split with the test pipeline.
        query (dict | BaseDataset): The samples to classify.
    """

    def __init__(self, gallery: Union[dict, BaseDataset],
                 query: Union[dict, BaseDataset], **kwargs) -> None:
        super().__init__(datasets=[gallery, query], **kwargs)

    def role(self, idx: int) -> str:
        dataset_idx, _ = self._get_ori_dataset_idx(idx)
        return ('gallery', 'query')[dataset_idx]

    def __getitem__(self, idx: int) -> dict:
        data = super().__getitem__(idx)
        data['data_samples'].set_metainfo(dict(knn_role=self.role(idx)))
        return data
