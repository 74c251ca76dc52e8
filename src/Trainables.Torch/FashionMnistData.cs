namespace OrleansHpo.Trainables.Torch;

/// <summary>FashionMNIST split as Syne Tune's benchmark does: 50,000 train, 10,000 validation (the tail of the
/// training file) and the 10,000-image test set kept for final evaluation.</summary>
/// <param name="Directory">The directory the files were read from.</param>
/// <param name="Train">Training images 0..49,999.</param>
/// <param name="Validation">Training images 50,000..59,999.</param>
/// <param name="Test">The separate test file.</param>
public sealed record FashionMnistData(string Directory, FashionMnistSplit Train, FashionMnistSplit Validation, FashionMnistSplit Test);
