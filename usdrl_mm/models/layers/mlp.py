from torch import Tensor, nn


class Mlp(nn.Module):
    """Two linear layers with GELU in between: ``fc2(gelu(fc1(x)))``.

    The attribute names (``fc1``, ``fc2``) match the original checkpoints.
    """

    def __init__(self, embed_dims: int, hidden_dims: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(embed_dims, hidden_dims)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_dims, embed_dims)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.act(self.fc1(x)))
