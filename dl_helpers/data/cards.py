"""What each dataset is, where it comes from and under which terms."""

from __future__ import annotations

from dataclasses import dataclass

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
FSDD_SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")


@dataclass(frozen=True)
class DatasetCard:
    """What a dataset is, where it comes from, and under which terms."""

    name: str
    description: str
    counts: str
    license: str
    citation: str
    homepage: str

    def __str__(self) -> str:
        return (
            f"{self.name}: {self.description}\n  counts: {self.counts}\n  license: {self.license}"
            f"\n  cite: {self.citation}\n  homepage: {self.homepage}"
        )


CARDS: dict[str, DatasetCard] = {
    "mnist": DatasetCard(
        "MNIST",
        "28x28 grayscale handwritten digits 0-9",
        "60,000 train / 10,000 test (official split)",
        "CC BY-SA 3.0 (Yann LeCun and Corinna Cortes)",
        "LeCun, Cortes, Burges. The MNIST database of handwritten digits, 1998.",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    "cifar10": DatasetCard(
        "CIFAR-10",
        "32x32 RGB images in 10 classes",
        "50,000 train / 10,000 test (the offline copy: a 14,910-image stratified train subset)",
        "no license stated; the dataset page asks users to cite the report",
        "Krizhevsky. Learning Multiple Layers of Features from Tiny Images. "
        "Tech. report, U. Toronto, 2009.",
        "https://www.cs.toronto.edu/~kriz/cifar.html",
    ),
    "fsdd": DatasetCard(
        "Free Spoken Digit Dataset",
        "spoken digits 0-9, mono 16-bit WAV at 8 kHz",
        "3,000 recordings: 6 speakers x 10 digits x 50 (indices 0-4 are the upstream test set)",
        "CC BY-SA 4.0",
        "Jackson et al. Jakobovski/free-spoken-digit-dataset, GitHub, v1.0.10.",
        "https://github.com/Jakobovski/free-spoken-digit-dataset",
    ),
}
