namespace OrleansHpo.ModelSearch.Kde;

/// <summary>
/// One coordinate of the KDE: continuous in [0, 1] (statsmodels var_type "c", Gaussian kernel) or unordered with
/// <see cref="Levels"/> values coded 0..Levels-1 (var_type "u", Aitchison-Aitken kernel).
/// </summary>
public readonly record struct KdeVariable(bool Continuous, int Levels);
