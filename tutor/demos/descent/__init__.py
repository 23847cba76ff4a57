"""Gradient descent, momentum and adaptive methods on an ill-conditioned quadratic and on least squares."""

from tutor.demos.declaration import Demo, Parameter

DEMO = Demo(
    name="descent",
    title="梯度下降",
    summary="Why gradient descent zigzags, and what momentum, Nesterov, RMSprop and Adam do about it",
    parameters=(
        Parameter("kappa", float, 50.0, "condition number of the 2-D quadratic", 1.0, 10000.0, label="条件数"),
        Parameter("lr", float, 0.0, "step size of SGD, momentum, Nesterov (0: each one's best)", 0.0, 10.0,
                  label="学习率"),
        Parameter("beta", float, -1.0, "momentum β of momentum and Nesterov (-1: each one's optimal)", -1.0, 0.999,
                  label="动量"),
        Parameter("tol", float, 1e-6, "distance to the minimum, relative to the start's", 1e-12, 1.0, label="容差"),
        Parameter("max_steps", int, 2000, "most steps per optimizer", 10, 100000, label="最多步数"),
        Parameter("seed", int, 0, "random seed (minibatch SGD)", 0, 2**31 - 1, label="随机种子"),
    ),
)
"""The descent demo as ``tutor demo`` and the app offer it."""
