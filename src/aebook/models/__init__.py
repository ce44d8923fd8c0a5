"""Autoencoder families, each a plain ``torch.nn.Module`` with ``loss(batch) -> dict``."""

import lazy_loader

#: Each submodule is imported when one of its names is first used, so a page imports
#: (and its record depends on) only the files it uses.
_EXPORTS = {
    "aae": ["AdversarialAutoencoder"],
    "autoencoders": [
        "ACTIVATIONS",
        "Autoencoder",
        "LinearAutoencoder",
        "MLPAutoencoder",
        "SigmoidAutoencoder",
        "first_input",
        "mlp",
        "train_autoencoder",
    ],
    "autorec": ["BiasedMF", "IAutoRec"],
    "dae": ["DenoisingAutoencoder", "StackedDenoisingAutoencoder"],
    "energy": ["DAEEnergyModel", "TiedGaussianDAE"],
    "families": ["FAMILIES", "GENERATIVE", "FamilyHyper", "build_family"],
    "m2": ["M2"],
    "recipes": ["MODERN", "PAPER_FREY", "PAPER_MNIST", "VAERecipe"],
    "regularized": [
        "SPARSITY_PENALTIES",
        "ContractiveAutoencoder",
        "MLPDenoisingAutoencoder",
        "RegularizedAutoencoder",
        "SparseAutoencoder",
    ],
    "score_net": ["NoiseConditionalScoreNet", "ScoreNet"],
    "supervised": ["MLPClassifier", "SupervisedAutoencoder"],
    "vae": [
        "LIKELIHOODS",
        "VAE",
        "BernoulliDecoder",
        "GaussianDecoder",
        "GaussianEncoder",
        "LinearGaussianVAE",
    ],
    "wae": ["WAE", "GaussianPriorAutoencoder"],
}
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_EXPORTS)
