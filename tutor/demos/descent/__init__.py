"""Gradient descent, momentum and adaptive methods on an ill-conditioned quadratic and on least squares."""
