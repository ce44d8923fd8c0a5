"""aebook: the tested package behind the executable book *Autoencoders, Reproduced*.

Modules: ``data`` (datasets as tensors), ``models`` (autoencoder families), ``objectives``
(likelihoods and losses), ``train`` (the one training loop), ``evaluate`` (measurements),
``plot`` (figures), ``profiles`` (how long chapters train), ``results`` (checked claims),
``experiments`` (one module per page, named after its notebook: its settings and its code).
"""

__version__ = "0.1.0"
