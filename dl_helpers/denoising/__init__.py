"""Speech denoising (notebooks 03 and 04): one dataset, one batching scheme, one evaluation,
so that every model is compared on exactly the same mixtures.

    dataset    - noisy/clean pairs (noise and babble per split), spectrograms, train/val/test splits
    batches    - length-bucketed training batches, mask prediction, the mask sub-model of a masker
    evaluation - apply a mask, rebuild the waveform, score SNR / SI-SDR per clip and STOI / PESQ
                 on strings of clips; oracle masks as ceiling
    classical  - spectral subtraction with the noise estimated from the mixture (the field's
                 classical baseline, no training)

The models themselves (BiLSTM, FCN, CNN) are the lesson and live in the notebooks. Each maps
``log1p(noisy magnitude)`` frames to a mask in [0, 1]; the estimate is ``mask * noisy magnitude``
and the waveform is rebuilt with the noisy phase.
"""

from .batches import length_batches, mask_model, pad_batch, predict_masks
from .classical import spectral_subtraction_mask, spectral_subtraction_masks
from .dataset import (
    FOLD_SIZES,
    MIXTURE_RMS,
    FoldData,
    NoisyPairs,
    Split,
    build_noisy_pairs,
    make_folds,
    make_split,
    speaker_fold,
)
from .evaluation import (
    denoise,
    evaluate,
    ideal_ratio_mask,
    oracle_masks,
    perceptual_scores,
    perceptual_strings,
)

__all__ = [
    "FOLD_SIZES",
    "MIXTURE_RMS",
    "FoldData",
    "NoisyPairs",
    "Split",
    "build_noisy_pairs",
    "denoise",
    "evaluate",
    "ideal_ratio_mask",
    "length_batches",
    "make_folds",
    "make_split",
    "mask_model",
    "oracle_masks",
    "pad_batch",
    "perceptual_scores",
    "perceptual_strings",
    "predict_masks",
    "spectral_subtraction_mask",
    "spectral_subtraction_masks",
    "speaker_fold",
]
