"""Activation functions from torch.nn.functional, their derivatives by autograd, ranges and saturation."""
