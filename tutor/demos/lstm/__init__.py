"""Gradient flow through time in nn.RNN, nn.LSTM and nn.GRU, and the LSTM's forget-gate bias."""
