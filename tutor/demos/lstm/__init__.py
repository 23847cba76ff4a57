"""Gradient flow through time in nn.RNN, nn.LSTM and nn.GRU, and the LSTM's forget-gate bias."""

from tutor.demos.declaration import Demo, Parameter

DEMO = Demo(
    name="lstm",
    title="时间上的梯度",
    summary="Gradient flow through time: RNN vs LSTM vs GRU, and the LSTM forget-gate bias",
    parameters=(
        Parameter("steps", int, 100, "sequence length T", 2, 2000, label="序列长度"),
        Parameter("hidden", int, 32, "hidden size H of each network", 1, 1024, label="隐藏维度"),
        Parameter("forget_bias", float, 0.0, "total forget-gate bias B of the LSTM (b_ih + b_hh)", -20.0, 20.0,
                  label="遗忘门偏置"),
        Parameter("seeds", int, 5, "random initialisations averaged", 1, 100, label="初始化次数"),
    ),
)
"""The LSTM demo as ``tutor demo`` and the app offer it."""
